/* Helpers shared by the diagnostics modules. Not a public header. */
#ifndef TP_DIAG_INTERNAL_H
#define TP_DIAG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../include/tp_crash.h"
#include "../include/tp_stack.h"

/* Copy at most size-1 bytes of src and terminate; returns 1 if src was cut. */
int tp__copy_str(char *dst, size_t size, const char *src);

/* Both persistent structures, or NULL when the port's region is too small. */
tp_crash_record_t *tp__crash_area(void);
tp_stack_table_t *tp__stack_area(void);

/* A bounded text writer: appends with snprintf, remembers truncation. */
typedef struct {
    char *buf;
    size_t size;
    size_t len;
    int truncated;
} tp__out_t;
void tp__out_init(tp__out_t *o, char *buf, size_t size);
void tp__out_printf(tp__out_t *o, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
