package dev.dayzero.bench.plugins;

import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Backends;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The backends a command sees: those built into the distribution (on the class path, found by
 * {@link java.util.ServiceLoader}) and those of the plugin jars in the folders the system property
 * {@value #PROPERTY} lists (separated by the platform's path separator; the launcher passes
 * {@code <dist>/plugins} and {@code DAYZERO_PLUGINS}).
 *
 * <p>Each plugin jar gets its own class loader (its parent: the distribution's), so one jar's classes and service
 * file cannot break another's or the built-in backends. A jar whose service file is malformed, names a class that is
 * missing or not a {@link BackendProvider}, or whose provider's constructor throws becomes one unavailable backend
 * named after the jar, with the reason. Two providers of one backend id (two versions of a plugin, or a plugin that
 * repeats a built-in id) are refused: {@link #backends()} throws naming both jars. Every jar is recorded
 * ({@link #jars()}: name, version, SHA-256) for the results and the report.
 */
public final class Plugins {
    /** The system property naming the plugin folders. */
    public static final String PROPERTY = "dayzero.plugins";
    static final String SERVICE = "META-INF/services/" + BackendProvider.class.getName();

    private static volatile Loaded cache;

    private Plugins() {
    }

    /** What the plugin folders held: the providers (working or broken) and the jars. */
    record Loaded(String key, List<Found> providers, List<PluginJar> jars) {
    }

    /** A provider and the jar it came from. */
    record Found(BackendProvider provider, Path jar) {
    }

    /**
     * The built-in backends and those of the plugin jars, sorted by id.
     *
     * @throws IllegalArgumentException when two jars (or a jar and the distribution) provide the same backend id,
     *                                  naming both
     */
    public static Backends backends() {
        Map<String, Found> byId = new LinkedHashMap<>();
        for (BackendProvider p : builtIn()) {
            byId.put(p.id(), new Found(p, codeSource(p.getClass())));
        }
        for (Found f : loaded().providers()) {
            Found other = byId.putIfAbsent(f.provider().id(), f);
            if (other != null) {
                throw new IllegalArgumentException("two jars provide backend '" + f.provider().id() + "': "
                        + describe(other.jar()) + " and " + describe(f.jar()) + "; remove one (Dayzero does not pick)");
            }
        }
        List<BackendProvider> all = new ArrayList<>();
        byId.values().forEach(f -> all.add(f.provider()));
        all.sort(java.util.Comparator.comparing(BackendProvider::id));
        return Backends.of(all);
    }

    /** Every plugin jar found, in file-name order per folder (empty without plugin folders). */
    public static List<PluginJar> jars() {
        return loaded().jars();
    }

    /** The plugin folders the property names, in order (existing or not). */
    public static List<Path> folders() {
        String value = System.getProperty(PROPERTY, "");
        List<Path> dirs = new ArrayList<>();
        for (String part : value.split(File.pathSeparator)) {
            if (!part.isBlank()) {
                dirs.add(Path.of(part.trim()));
            }
        }
        return dirs;
    }

    private static List<BackendProvider> builtIn() {
        try {
            return Backends.discover(Plugins.class.getClassLoader()).all();
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a jar on Dayzero's own class path has a broken " + SERVICE + ": "
                    + e.getMessage() + " (plugin jars belong in plugins/, not lib/)", e);
        }
    }

    private static String describe(Path jar) {
        return jar == null ? "the class path" : jar.toString();
    }

    private static Path codeSource(Class<?> c) {
        try {
            var src = c.getProtectionDomain().getCodeSource();
            return src == null ? null : Path.of(src.getLocation().toURI());
        } catch (Exception e) {
            return null;
        }
    }

    private static Loaded loaded() {
        String key = System.getProperty(PROPERTY, "");
        Loaded l = cache;
        if (l == null || !l.key().equals(key)) {
            synchronized (Plugins.class) {
                l = cache;
                if (l == null || !l.key().equals(key)) {
                    l = load(key, folders());
                    cache = l;
                }
            }
        }
        return l;
    }

    private static Loaded load(String key, List<Path> dirs) {
        List<Found> providers = new ArrayList<>();
        List<PluginJar> jars = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
                s.forEach(files::add);
            } catch (IOException e) {
                continue; // an unreadable folder holds no plugins we can tell of
            }
            files.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
            for (Path jar : files) {
                loadJar(jar.toAbsolutePath().normalize(), providers, jars);
            }
        }
        return new Loaded(key, List.copyOf(providers), List.copyOf(jars));
    }

    private static void loadJar(Path jar, List<Found> providers, List<PluginJar> jars) {
        String file = jar.getFileName().toString();
        String name = file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
        String sha = sha256(jar);
        String version = version(jar);
        List<String> ids = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("plugin " + file, new URL[] {jar.toUri().toURL()}, Plugins.class.getClassLoader());
        } catch (IOException e) {
            errors.add("cannot open it: " + e.getMessage());
            loader = null;
        }
        if (loader != null) {
            URL service = loader.findResource(SERVICE);
            if (service == null) {
                errors.add("it has no " + SERVICE + ", so it provides no backend");
            } else {
                List<String> classes = new ArrayList<>();
                try {
                    classes = serviceClasses(service);
                } catch (IllegalArgumentException | IOException e) {
                    errors.add(SERVICE + ": " + e.getMessage());
                }
                for (String cls : classes) {
                    try {
                        BackendProvider p = instantiate(cls, loader);
                        ids.add(p.id());
                        providers.add(new Found(p, jar));
                    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                        errors.add("provider " + cls + ": " + oneLine(e));
                    }
                }
            }
        }
        String error = errors.isEmpty() ? null : String.join("; ", errors);
        if (error != null) {
            providers.add(new Found(new BrokenPlugin(name, "plugin jar " + file + " is broken: " + error), jar));
        }
        jars.add(new PluginJar(file, version, sha, ids, error));
    }

    /** The provider class names of a service file; malformed lines are refused as {@link java.util.ServiceLoader} would. */
    static List<String> serviceClasses(URL service) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = service.openStream();
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                int hash = line.indexOf('#');
                String s = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (s.isEmpty()) {
                    continue;
                }
                if (!isClassName(s)) {
                    throw new IllegalArgumentException("line " + n + " '" + s + "' is not a class name");
                }
                if (!names.contains(s)) {
                    names.add(s);
                }
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("it names no provider class");
        }
        return names;
    }

    private static boolean isClassName(String s) {
        for (String part : s.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.codePointAt(0))) {
                return false;
            }
            for (int i = 0; i < part.length(); i = part.offsetByCodePoints(i, 1)) {
                if (!Character.isJavaIdentifierPart(part.codePointAt(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static BackendProvider instantiate(String cls, ClassLoader loader) throws ReflectiveOperationException {
        Class<?> c = Class.forName(cls, false, loader);
        if (!BackendProvider.class.isAssignableFrom(c)) {
            throw new ClassCastException(cls + " does not implement " + BackendProvider.class.getName());
        }
        Constructor<?> ctor = c.getConstructor();
        try {
            BackendProvider p = (BackendProvider) ctor.newInstance();
            String id = p.id();
            if (id == null || id.isBlank()) {
                throw new IllegalStateException("its id() is blank");
            }
            return p;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("its constructor threw " + oneLine(e.getCause()), e.getCause());
        }
    }

    private static String oneLine(Throwable e) {
        String msg = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return msg.replace('\n', ' ').replace('\r', ' ');
    }

    private static String sha256(Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }

    /** The manifest's Implementation-Version, else the version of a {@code META-INF/maven/.../pom.properties}. */
    static String version(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            var mf = jf.getManifest();
            if (mf != null) {
                String v = mf.getMainAttributes().getValue("Implementation-Version");
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
            Enumeration<? extends ZipEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
                    Properties p = new Properties();
                    try (InputStream in = jf.getInputStream(e)) {
                        p.load(in);
                    }
                    String v = p.getProperty("version");
                    if (v != null && !v.isBlank()) {
                        return v.trim();
                    }
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
