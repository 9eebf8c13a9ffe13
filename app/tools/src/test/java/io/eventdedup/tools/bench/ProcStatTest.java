package io.eventdedup.tools.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcStatTest {
    // A real line's shape: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime ...
    static final String LINE = "4242 (java) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1234 567 0 0 20 0 57 0 98765 4096000000 65000";

    @Test
    void cpuTicksAreUserPlusSystemTime() {
        assertThat(ProcStat.cpuTicks(LINE)).isEqualTo(1234 + 567);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String tricky = LINE.replace("(java)", "(my (odd) java)");
        assertThat(ProcStat.cpuTicks(tricky)).isEqualTo(1234 + 567);
    }

    @Test
    void ticksAreHundredthsOfASecond() {
        assertThat(ProcStat.ticksToNanos(250)).isEqualTo(2_500_000_000L);
    }

    @Test
    void aTruncatedLineIsRefusedWithItsReason() {
        assertThatThrownBy(() -> ProcStat.cpuTicks("4242 (java) S 1 4242")).hasMessageContaining("fields after the command name");
        assertThatThrownBy(() -> ProcStat.cpuTicks("garbage")).hasMessageContaining("no ')'");
    }

    @Test
    void thisProcessHasUsedSomeCpuAndAMissingOneReadsAsUnknown() {
        assertThat(ProcStat.cpuNanos(ProcessHandle.current().pid())).isPositive();
        assertThat(ProcStat.cpuNanos(Long.MAX_VALUE)).isEqualTo(-1);
    }
}
