package dev.dayzero.bench.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Which backends can run here, asked of a child JVM ({@code dayzero backends --json}) so that probing — which loads
 * vendor libraries and initialises drivers — never happens in the coordinator, whose crash would lose the run. The
 * workers probe again for themselves; this only decides which backends a run without {@code --backends} uses.
 */
public final class ChildProbe {
    private ChildProbe() {
    }

    /** The ids of the backends the child found available, in discovery order. */
    public static List<String> availableBackends(WorkerSettings settings) {
        List<String> cmd = settings.javaCommand("hs_err_probe_pid%p.log", "dev.dayzero.bench.cli.Main", "backends",
                "--json");
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the probe JVM (" + cmd.get(0) + ")", e);
        }
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        try {
            if (!p.waitFor(settings.startupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("probing the backends took longer than " + settings.startupTimeout()
                        + "; name them with --backends");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing the backends", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("probing the backends failed (the probe JVM exited with " + p.exitValue()
                    + "; name the backends with --backends to leave the failing one out): " + tail(err.join()));
        }
        return parse(out);
    }

    /** The available ids of a {@code dayzero backends --json} document. */
    static List<String> parse(String json) {
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode n : new ObjectMapper().readTree(json)) {
                if (n.path("available").asBoolean(false)) {
                    ids.add(n.get("id").asText());
                }
            }
            return ids;
        } catch (IOException e) {
            throw new IllegalStateException("the probe JVM printed no backend list: " + tail(json), e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String text) {
        String t = text.strip();
        return t.length() <= 2000 ? t : "…" + t.substring(t.length() - 2000);
    }
}
