package dev.kvsjoin.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvsjoin.testing.Utf8Samples;
import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void firstMalformed_whenEveryLeadAndSecondByte_agreesWithTheJdk() {
        for (int lead = 0x80; lead <= 0xFF; lead++) {
            for (int second = 0; second <= 0xFF; second++) {
                for (int third : new int[] {0x22, 0x80, 0xBF, 0xC0}) {
                    byte[] bytes = Utf8Samples.bytes(0x61, lead, second, third, 0x80, 0x61);

                    assertThat(Utf8.firstMalformed(bytes)).as("%02X %02X %02X", lead, second, third)
                            .isEqualTo(Utf8Properties.jdkFirstMalformed(bytes));
                }
            }
        }
    }
}
