package dev.kvsjoin.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskRootTest {

    @Test
    void duplicates_whenTwoVersionsOfOneArtifact_namesIt() {
        List<Path> jars = List.of(Path.of("slf4j-api-2.0.16.jar"), Path.of("slf4j-api-2.0.17.jar"),
                Path.of("http-auth-aws-eventstream-2.40.2.jar"), Path.of("http-auth-aws-2.40.2.jar"));

        assertThat(TaskRoot.duplicates(jars)).containsExactly("slf4j-api");
    }

    @Test
    void assemble_whenBuildOutputPresent_laysOutClassesAtRootAndJarsInLib(@TempDir Path dir) throws IOException {
        Path project = dir.resolve("project");
        Files.createDirectories(project.resolve("target/classes/a"));
        Files.writeString(project.resolve("target/classes/a/B.class"), "class");
        Files.createDirectories(project.resolve("target/lib"));
        Files.writeString(project.resolve("target/lib/dep-1.0.jar"), "jar");
        Path task = Files.createDirectories(dir.resolve("task"));

        TaskRoot.assemble(project, "a.B::handleRequest", task);

        assertThat(task.resolve("a/B.class")).hasContent("class");
        assertThat(task.resolve("lib/dep-1.0.jar")).hasContent("jar");
    }

    @Test
    void assemble_whenNotBuilt_saysHowToBuild(@TempDir Path dir) {
        assertThatThrownBy(() -> TaskRoot.assemble(dir, "a.B::handleRequest", dir.resolve("task")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("target/classes/a/B.class is missing")
                .hasMessageContaining("mvn package");
    }
}
