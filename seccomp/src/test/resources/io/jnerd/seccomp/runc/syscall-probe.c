/*
 * Calls system calls by number and prints the errno of each, for DefaultProfileProbePrivilegedTest.
 *
 *   syscall-probe LABEL=NR[,ARG...] ...
 *
 * Each argument is one call: the number and up to six arguments (strtoull, base 0, so
 * 0x100000026 and -1 work). One line per call on stdout: "LABEL ERRNO", 0 when it succeeded.
 * Numbers come from the test (jnerd's syscall table), so the probe needs no kernel headers
 * newer than libc's and builds the same for x86_64 and aarch64.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        char *label = argv[i];
        char *spec = strchr(label, '=');
        if (spec == NULL) {
            fprintf(stderr, "syscall-probe: expected LABEL=NR[,ARG...], got %s\n", label);
            return 2;
        }
        *spec++ = '\0';
        long v[7] = {0};
        int n = 0;
        while (*spec != '\0' && n < 7) {
            char *end;
            errno = 0;
            v[n++] = (long) strtoull(spec, &end, 0);
            if (end == spec || errno != 0 || (*end != ',' && *end != '\0')) {
                fprintf(stderr, "syscall-probe: bad number in %s\n", label);
                return 2;
            }
            spec = *end == ',' ? end + 1 : end;
        }
        errno = 0;
        long r = syscall(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
        printf("%s %d\n", label, r == -1 ? errno : 0);
        fflush(stdout);
    }
    return 0;
}
