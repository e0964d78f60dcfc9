/*
 * One "boot" of a simulated device for the reboot-loop test. Each run is a
 * new process; the persistent region lives in the file given as argv[1].
 *   boot: read (and clear) the crash record, print it, create task "net"
 *   with tp_stack_size_for("net", 4096), then, if argv[2] is "overflow",
 *   simulate a stack overflow in it (the port's hook reports it, the crash
 *   record's handler writes the record, reboot = exit 3).
 */
#include <stdio.h>
#include <string.h>

#include "tp_crash.h"
#include "tp_stack.h"
#include "tp_sys_host.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        return 2;
    }
    if (tp_sys_host_set_persist_path(argv[1]) != TP_OK) {
        return 2;
    }
    tp_crash_record_t rec;
    const tp_err_t err = tp_crash_boot(&rec);
    if (err == TP_OK) {
        char text[1024];
        (void)tp_crash_format(&rec, text, sizeof text, NULL);
        fputs(text, stdout);
    } else {
        printf("no crash record (%s)\n", tp_strerror(err));
    }
    const uint32_t size = tp_stack_size_for("net", 4096);
    printf("creating task net with stack %u\n", (unsigned)size);
    (void)tp_stack_register("net", size);
    if (strcmp(argv[2], "overflow") == 0) {
        printf("stack overflow in net\n");
        /* what the port's overflow hook does: report the fault of the running task */
        tp_sys_host_set_task(2, "net");
        tp_sys_host_raise_fault(TP_FAULT_STACK_OVERFLOW, 0);
        tp_sys_reboot(); /* no handler: exit(3) */
    }
    return 0;
}
