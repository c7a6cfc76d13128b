package dev.kvsjoin.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionTemplateTest {

    @Test
    void read_whenProjectTemplate_findsTheHandlerAndLambdaSettings() {
        FunctionTemplate function = FunctionTemplate.read(Path.of("template.yaml"));

        assertThat(function.handler()).isEqualTo("dev.kvsjoin.JoinHandler::handleRequest");
        assertThat(function.javaVersion()).isGreaterThanOrEqualTo(21);
        assertThat(function.memoryMb()).isPositive();
        assertThat(function.timeout()).isPositive();
    }

    @Test
    void read_whenGlobalsAndRefToParameter_appliesBoth(@TempDir Path dir) throws IOException {
        Path template = write(dir, """
                Parameters:
                  Level:
                    Type: String
                    Default: WARN
                Globals:
                  Function:
                    Timeout: 9
                    Environment:
                      Variables:
                        SHARED: one
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      Runtime: java21
                      LoggingConfig:
                        LogFormat: JSON
                        ApplicationLogLevel: !Ref Level
                      Environment:
                        Variables:
                          OWN: two
                          STACK: !Ref AWS::StackName
                """);

        FunctionTemplate function = FunctionTemplate.read(template);

        assertThat(function.timeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(function.memoryMb()).as("SAM's default").isEqualTo(128);
        assertThat(function.applicationLogLevel()).isEqualTo("WARN");
        assertThat(function.environment()).containsEntry("SHARED", "one").containsEntry("OWN", "two")
                .as("the SAM CLI's local stack name").containsEntry("STACK", "local");
        assertThat(function.snapStart()).isFalse();
    }

    @Test
    void read_whenPropertyNeedsDeployment_namesIt(@TempDir Path dir) throws IOException {
        Path template = write(dir, """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      Runtime: java21
                      Environment:
                        Variables:
                          QUEUE: !GetAtt Queue.Arn
                """);

        assertThatThrownBy(() -> FunctionTemplate.read(template)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Environment.Variables.QUEUE");
    }

    private static Path write(Path dir, String yaml) throws IOException {
        return Files.writeString(dir.resolve("template.yaml"), yaml);
    }
}
