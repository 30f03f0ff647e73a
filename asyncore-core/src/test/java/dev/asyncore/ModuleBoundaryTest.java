package dev.asyncore;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API in front, the machinery behind: the compiled module descriptor exports the API packages and no
 * {@code dev.asyncore.internal} package, no public signature of an exported package names an internal type, and the
 * members that once leaked machinery (figure writers, a TLS accept hook, a naming helper) stay hidden.
 */
class ModuleBoundaryTest {

    private static final String MODULE = "dev.asyncore";
    private static final String INTERNAL = "dev.asyncore.internal";
    private static final Set<String> API = Set.of(
            "dev.asyncore",
            "dev.asyncore.chat",
            "dev.asyncore.handler",
            "dev.asyncore.net",
            "dev.asyncore.proxy",
            "dev.asyncore.testing",
            "dev.asyncore.blockhound");

    @Test
    void descriptorExportsTheApiPackagesAndNoInternalOne() throws Exception {
        Path classes = classes();
        ModuleDescriptor descriptor = ModuleFinder.of(classes)
                .find(MODULE)
                .orElseThrow(() -> new AssertionError("no module-info.class in " + classes))
                .descriptor();

        Set<String> exported = descriptor.exports().stream()
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertThat(exported).isEqualTo(API);
        assertThat(descriptor.packages())
                .as("the machinery is in the module, behind it")
                .contains(
                        INTERNAL,
                        INTERNAL + ".loop",
                        INTERNAL + ".offload",
                        INTERNAL + ".transport",
                        INTERNAL + ".tls",
                        INTERNAL + ".util");
        assertThat(descriptor.exports()).noneMatch(e -> e.source().startsWith(INTERNAL));
        assertThat(descriptor.requires())
                .anyMatch(r -> r.name().equals("reactor.blockhound")
                        && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC));
        assertThat(descriptor.provides())
                .anyMatch(p -> p.service().equals("reactor.blockhound.integration.BlockHoundIntegration"));
    }

    @Test
    void aLayerOfTheModuleOpensNoInternalPackageToItsReaders() throws Exception {
        // BlockHound, an optional dependency, is resolved as well: the module provides its integration service.
        Path blockHound = Path.of(BlockHound.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Configuration cf = ModuleLayer.boot()
                .configuration()
                .resolve(
                        ModuleFinder.of(classes(), blockHound),
                        ModuleFinder.of(),
                        Set.of(MODULE, "reactor.blockhound"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Module module = layer.findModule(MODULE).orElseThrow();

        for (String p : module.getPackages()) {
            assertThat(module.isExported(p)).as(p).isEqualTo(API.contains(p));
        }
        assertThat(module.getPackages()).contains(INTERNAL + ".loop");
    }

    @Test
    void noPublicSignatureOfAnApiPackageNamesAnInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : apiClasses()) {
            if (!isApi(c)) {
                continue;
            }
            check(leaks, c + " extends", c.getGenericSuperclass());
            for (Type t : c.getGenericInterfaces()) {
                check(leaks, c + " implements", t);
            }
            // members a package-private superclass (AbstractDispatcher) declares are the subclass's API too
            for (Class<?> k = c; k != null && k.getName().startsWith("dev.asyncore."); k = k.getSuperclass()) {
                checkMembers(leaks, k);
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void theFiguresAreReadOnlyAndTheMachineryHelpersAreNotApi() throws Exception {
        // ServerStats' one setter is the output budget its server's connections share; the rest are read-only figures
        assertThat(declaredPublicMethodsWithParameters(ServerStats.class)).containsExactly("setOutputBudget");
        assertThat(declaredPublicMethodsWithParameters(DatagramStats.class)).isEmpty();
        assertThat(publicMethodNames(TlsOptions.class)).doesNotContain("acceptWith");
        assertThat(Stream.of(AsyncLoopGroup.class.getMethods())
                        .filter(m -> Modifier.isStatic(m.getModifiers()))
                        .map(Method::getName))
                .doesNotContain("threadName");
        Class<?> datagramSockets = Class.forName("dev.asyncore.handler.DatagramSockets");
        assertThat(Modifier.isPublic(datagramSockets.getModifiers())).isFalse();
    }

    private static List<String> declaredPublicMethodsWithParameters(Class<?> c) {
        return Stream.of(c.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && m.getParameterCount() > 0)
                .map(Method::getName)
                .sorted()
                .toList();
    }

    private static Set<String> publicMethodNames(Class<?> c) {
        return Stream.of(c.getMethods()).map(Method::getName).collect(Collectors.toSet());
    }

    private static void checkMembers(List<String> leaks, Class<?> c) {
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (isVisible(k.getModifiers())) {
                checkAll(leaks, k.toString(), k.getGenericParameterTypes());
                checkAll(leaks, k.toString(), k.getGenericExceptionTypes());
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (isVisible(m.getModifiers()) && !m.isSynthetic()) {
                check(leaks, m.toString(), m.getGenericReturnType());
                checkAll(leaks, m.toString(), m.getGenericParameterTypes());
                checkAll(leaks, m.toString(), m.getGenericExceptionTypes());
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (isVisible(f.getModifiers()) && !f.isSynthetic()) {
                check(leaks, f.toString(), f.getGenericType());
            }
        }
    }

    /** Whether users can name the class: it and every class around it are public or protected. */
    private static boolean isApi(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!isVisible(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void checkAll(List<String> leaks, String where, Type[] types) {
        for (Type t : types) {
            check(leaks, where, t);
        }
    }

    private static void check(List<String> leaks, String where, Type t) {
        if (t == null) {
            return;
        }
        if (t instanceof Class<?> c) {
            Class<?> e = c;
            while (e.isArray()) {
                e = e.getComponentType();
            }
            if (e.getPackageName().startsWith(INTERNAL)) {
                leaks.add(where + " -> " + e.getName());
            }
        } else if (t instanceof ParameterizedType p) {
            check(leaks, where, p.getRawType());
            checkAll(leaks, where, p.getActualTypeArguments());
        } else if (t instanceof WildcardType w) {
            checkAll(leaks, where, w.getUpperBounds());
            checkAll(leaks, where, w.getLowerBounds());
        } else if (t instanceof TypeVariable<?> v) {
            checkAll(leaks, where, v.getBounds());
        } else if (t instanceof GenericArrayType a) {
            check(leaks, where, a.getGenericComponentType());
        }
    }

    private static Set<Class<?>> apiClasses() throws IOException, ClassNotFoundException, URISyntaxException {
        Path root = classes();
        Set<String> names = new TreeSet<>();
        for (String p : API) {
            Path dir = root.resolve(p.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                        .forEach(n -> names.add(p + "." + n.substring(0, n.length() - ".class".length())));
            }
        }
        assertThat(names).as("API classes found in " + root).contains(Dispatcher.class.getName());
        Set<Class<?>> classes = new LinkedHashSet<>();
        for (String n : names) {
            classes.add(Class.forName(n, false, ModuleBoundaryTest.class.getClassLoader()));
        }
        return classes;
    }

    private static Path classes() throws URISyntaxException {
        return Path.of(Dispatcher.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }
}
