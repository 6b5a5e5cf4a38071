package dev.dayzero.backend.cuda.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * How one MLA decode launch of {@code mla_decode.cu} spreads its work over the SMs (split-KV), computed on the host
 * from the spec's sequence lengths, FlashMLA's "metadata" step done once at prepare.
 *
 * <p>The work comes in {@link Unit}s: up to {@value #ROWS} query rows that share their tokens (the heads, and for a
 * dense cache the queries, of one sequence) against {@code tiles} KV tiles of {@value #TILE} tokens. A unit is
 * one block of the kernel, or, when there are too few units to keep every SM busy, several blocks each taking a
 * contiguous range of its tiles ("pieces"); pieces write unnormalized F32 partial rows and their (max, sum), and
 * {@code dz_mla_combine} merges them. The number of pieces is chosen by trying every split of the longest unit
 * into 1..{@value #MAX_PIECES} pieces (the others split into pieces of the same length) and keeping the one with
 * the shortest estimated makespan: items placed longest first on the least loaded of {@code sms} SMs (one block
 * an SM: the kernel's shared memory allows one), each costing its tiles plus {@value #ITEM_OVERHEAD} tile for the
 * prologue (Q and the first tile, not overlapped) and {@value #PIECE_OVERHEAD} tile more for a piece's partial
 * rows and their merge. Items are launched in that order, longest first.
 */
final class MlaPlan {
    /** Query rows a block computes (the M dimension). */
    static final int ROWS = 64;
    /** Tokens of a KV tile. */
    static final int TILE = 64;
    /** Ints a work item takes in the kernel's item table. */
    static final int ITEM_INTS = 8;
    /** Ints a merge group takes in the combine kernel's table. */
    static final int GROUP_INTS = 4;
    /** Most pieces one unit is split into. */
    static final int MAX_PIECES = 64;
    static final double ITEM_OVERHEAD = 1.0;
    static final double PIECE_OVERHEAD = 0.5;

    /**
     * Up to {@value #ROWS} rows sharing their tokens.
     *
     * @param rowBase first row in the flattened {@code [B·Sq·Hq]} rows of q and out
     * @param rows    rows of the unit (1..64)
     * @param seq     the sequence ({@code seq_lens} and {@code block_table} row)
     * @param third   dense: the first row's index within its sequence's {@code Sq·Hq} rows; sparse: the query
     *                ({@code b·Sq + j}, the row of {@code indices})
     * @param tiles   KV tiles of {@value #TILE} tokens (or index entries) the unit reads, at least 1
     * @param aux     a kernel's own per-unit value, the item table's last int (the shared-KV kernel: how many of
     *                the tiles are the main cache's, the rest being the extra cache's); 0 for MLA
     */
    record Unit(int rowBase, int rows, int seq, int third, int tiles, int aux) {
        Unit {
            if (rows < 1 || rows > ROWS || tiles < 1) {
                throw new IllegalArgumentException("unit rows " + rows + " must be in [1, " + ROWS + "] and tiles "
                        + tiles + " >= 1");
            }
        }

        /** A unit with {@code aux} 0. */
        Unit(int rowBase, int rows, int seq, int third, int tiles) {
            this(rowBase, rows, seq, third, tiles, 0);
        }
    }

    private final int[] items;
    private final int[] groups;
    private final int parts;
    private final int piecesOfLongest;
    private final double makespan;

    private MlaPlan(int[] items, int[] groups, int parts, int piecesOfLongest, double makespan) {
        this.items = items;
        this.groups = groups;
        this.parts = parts;
        this.piecesOfLongest = piecesOfLongest;
        this.makespan = makespan;
    }

    /** The plan for {@code units} on {@code sms} SMs. */
    static MlaPlan of(List<Unit> units, int sms) {
        if (units.isEmpty()) {
            throw new IllegalArgumentException("an MLA plan needs at least one unit");
        }
        int slots = Math.max(1, sms);
        int longest = units.stream().mapToInt(Unit::tiles).max().orElseThrow();
        int bestPieces = 1;
        double best = Double.MAX_VALUE;
        int lastChunk = -1;
        for (int p = 1; p <= Math.min(MAX_PIECES, longest); p++) {
            int chunk = ceilDiv(longest, p);
            if (chunk == lastChunk) {
                continue;
            }
            lastChunk = chunk;
            double cost = makespan(units, chunk, slots);
            if (cost < best - 1e-9) {
                best = cost;
                bestPieces = p;
            }
        }
        return build(units, ceilDiv(longest, bestPieces), best);
    }

    /**
     * The plan without split-KV: one item per unit (for sparse prefill, whose units — tokens × 64-head groups —
     * outnumber the SMs many times over); the makespan is estimated as for {@link #of}.
     */
    static MlaPlan unsplit(List<Unit> units, int sms) {
        if (units.isEmpty()) {
            throw new IllegalArgumentException("an MLA plan needs at least one unit");
        }
        int longest = units.stream().mapToInt(Unit::tiles).max().orElseThrow();
        return build(units, longest, makespan(units, longest, Math.max(1, sms)));
    }

    /** Estimated makespan, in tiles, of splitting every unit into pieces of at most {@code chunk} tiles. */
    static double makespan(List<Unit> units, int chunk, int sms) {
        List<Double> costs = new ArrayList<>();
        for (Unit u : units) {
            int pieces = ceilDiv(u.tiles(), chunk);
            for (int k = 0; k < pieces; k++) {
                int len = pieceEnd(u.tiles(), pieces, k) - pieceEnd(u.tiles(), pieces, k - 1);
                costs.add(len + ITEM_OVERHEAD + (pieces > 1 ? PIECE_OVERHEAD : 0));
            }
        }
        costs.sort(Comparator.reverseOrder());
        PriorityQueue<Double> loads = new PriorityQueue<>();
        for (int i = 0; i < sms; i++) {
            loads.add(0.0);
        }
        double max = 0;
        for (double c : costs) {
            double l = loads.poll() + c;
            max = Math.max(max, l);
            loads.add(l);
        }
        return max;
    }

    private static MlaPlan build(List<Unit> units, int chunk, double makespan) {
        record Item(int[] fields, int tiles) {
        }
        List<Item> list = new ArrayList<>();
        List<int[]> groupList = new ArrayList<>();
        int parts = 0;
        int piecesOfLongest = 1;
        for (Unit u : units) {
            int pieces = ceilDiv(u.tiles(), chunk);
            piecesOfLongest = Math.max(piecesOfLongest, pieces);
            if (pieces > 1) {
                groupList.add(new int[] {u.rowBase(), u.rows(), parts, pieces});
            }
            for (int k = 0; k < pieces; k++) {
                int t0 = pieceEnd(u.tiles(), pieces, k - 1);
                int t1 = pieceEnd(u.tiles(), pieces, k);
                int part = pieces > 1 ? parts + k : -1;
                list.add(new Item(new int[] {u.rowBase(), u.rows(), u.seq(), u.third(), t0, t1, part, u.aux()},
                        t1 - t0));
            }
            if (pieces > 1) {
                parts += pieces;
            }
        }
        list.sort(Comparator.comparingInt(Item::tiles).reversed());
        int[] items = new int[list.size() * ITEM_INTS];
        for (int i = 0; i < list.size(); i++) {
            System.arraycopy(list.get(i).fields(), 0, items, i * ITEM_INTS, ITEM_INTS);
        }
        int[] groups = new int[groupList.size() * GROUP_INTS];
        for (int i = 0; i < groupList.size(); i++) {
            System.arraycopy(groupList.get(i), 0, groups, i * GROUP_INTS, GROUP_INTS);
        }
        return new MlaPlan(items, groups, parts, piecesOfLongest, makespan);
    }

    /** End (exclusive) of piece {@code k} when {@code tiles} are cut into {@code pieces} near-equal pieces. */
    private static int pieceEnd(int tiles, int pieces, int k) {
        return (int) ((long) tiles * (k + 1) / pieces);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** The kernel's item table: {@link #blocks()} × {@value #ITEM_INTS} ints (rowBase, rows, seq, third, first
     *  tile, end tile, partial slot or -1, the unit's aux). */
    int[] items() {
        return items.clone();
    }

    /** Blocks of the main kernel. */
    int blocks() {
        return items.length / ITEM_INTS;
    }

    /** The combine kernel's table: {@link #mergeGroups()} × {@value #GROUP_INTS} ints (rowBase, rows, first
     *  partial slot, slots). */
    int[] groups() {
        return groups.clone();
    }

    /** Units that were split (blocks of the combine kernel's x dimension); 0 when nothing was split. */
    int mergeGroups() {
        return groups.length / GROUP_INTS;
    }

    /** Partial-row slots ({@value #ROWS} rows each) the pieces write. */
    int parts() {
        return parts;
    }

    /** Pieces the longest unit was cut into (1: no split). */
    int piecesOfLongest() {
        return piecesOfLongest;
    }

    /** The estimated makespan, in tiles of one SM. */
    double makespan() {
        return makespan;
    }
}
