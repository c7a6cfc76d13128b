package dev.kvsjoin.join;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Partitions and regions: what can exist is accepted, what cannot is the caller's mistake. */
class ChannelArnTest {

    static String arn(String partition, String region) {
        return "arn:" + partition + ":kinesisvideo:" + region + ":123456789012:channel/door/1700000000000";
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "aws:us-west-2", "aws:eu-central-1", "aws:ap-southeast-5", "aws:mx-central-1", "aws:il-central-1",
        "aws-cn:cn-north-1", "aws-us-gov:us-gov-west-1", "aws-iso:us-iso-east-1", "aws-iso-b:us-isob-east-1",
        // Newer than the SDK's region list, but of the partition's form: the partition's endpoint pattern serves it.
        "aws:us-west-9", "aws:eu-north-7", "aws-cn:cn-east-5",
    })
    void problem_whenRegionCanExistInItsPartition_acceptsIt(String partitionAndRegion) {
        String[] parts = partitionAndRegion.split(":");
        assertThat(ChannelArn.problem(arn(parts[0], parts[1]))).isNull();
        assertThat(ChannelArn.of(arn(parts[0], parts[1])).region()).isEqualTo(parts[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "aws:zz-probe-1", "aws:cn-north-1", "aws:us-gov-west-1", "aws-cn:us-west-2", "aws:us-west", "aws:uswest2",
        "aws:local", "aws:us-west-2-", "aws:us-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-1", "aws-us-gov:us-west-2",
    })
    void problem_whenRegionCannotExistInItsPartition_namesChannelArnWithoutEchoingTheRegion(String partitionAndRegion) {
        String[] parts = partitionAndRegion.split(":");

        String problem = ChannelArn.problem(arn(parts[0], parts[1]));

        assertThat(problem).startsWith("channelArn: names a region that cannot exist in the partition ")
                .doesNotContain(parts[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws-foo", "aws-", "awsx", "aws-iso-z"})
    void problem_whenPartitionUnknown_namesChannelArn(String partition) {
        assertThat(ChannelArn.problem(arn(partition, "us-west-2")))
                .isEqualTo("channelArn: names a partition AWS does not have (expected aws, aws-cn, aws-us-gov, ...)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream", "ckohfocozqechoxx", "channelx", "a"})
    void problem_whenResourceTypeIsNotChannel_saysSoWithoutEchoingIt(String type) {
        String problem = ChannelArn.problem(
                "arn:aws:kinesisvideo:us-west-2:123456789012:" + type + "/door/1700000000000");

        assertThat(problem).startsWith("channelArn: must name a signaling channel").doesNotContain("'" + type + "'");
        if (type.length() > 3) {
            assertThat(problem).doesNotContain(type);
        }
    }
}
