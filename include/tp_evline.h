/**
 * @file tp_evline.h
 * One line of tierpool's plain event format ("tpev"), the one definition of
 * it: the tracking layer's event sink writes lines with tp_evline_format,
 * poolsim reads them with tp_evline_parse (docs/event-format.md describes the
 * format for people).
 * @code
 * tpev 2
 * A <time_us> 0x<addr-hex> <size> [task]
 * F <time_us> 0x<addr-hex> [task]
 * @endcode
 *
 * Revision 2 quotes a task name that is not one plain word: "Tmr Svc", with
 * `\"`, `\\` and `\xHH` escapes inside the quotes, so every byte string (spaces,
 * newlines, non-ASCII bytes) round-trips. Revision 1 (a bare word, no
 * quoting) is still read.
 *
 * Library code: no allocation, no 64-bit division, every buffer sized by
 * the caller. All functions are reentrant and safe from an ISR.
 */
#ifndef TP_EVLINE_H
#define TP_EVLINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The revision written (TP_EVLINE_HEADER), and the highest one read. */
#define TP_EVLINE_VERSION 2u

/**
 * Bytes a buffer needs for any event line whose task name has at most
 * name_max bytes: "A " 20-digit time " 0x" 16 hex digits " " 10-digit size
 * " " quotes, 4 bytes per escaped name byte, "\n" and the NUL.
 * @param name_max  the longest task name, bytes
 */
#define TP_EVLINE_SIZE(name_max) (2u + 20u + 3u + 16u + 1u + 10u + 1u + 2u + 4u * (name_max) + 2u)

/** The header line ("tpev 2\n"). */
#define TP_EVLINE_HEADER "tpev 2\n"
/** Its length, without a NUL. */
#define TP_EVLINE_HEADER_LEN 7u

/** One event. */
typedef struct {
    char kind;        /**< 'A' (allocation) or 'F' (free) */
    uint64_t time_us; /**< microseconds since any origin */
    uint64_t addr;    /**< the block's address (or any id) */
    uint32_t size;    /**< bytes requested; 'A' only */
    const char *task; /**< format: NUL-terminated name, NULL or "" for none;
                           parse: the decoded name (not NUL-terminated) */
    size_t task_len;  /**< parse: bytes in task; ignored by tp_evline_format */
} tp_evline_t;

/**
 * Write an event as one line ending in '\n' (NUL-terminated). A task name
 * longer than what fits is cut before the first byte that does not fit
 * (never inside an escape): with size >= TP_EVLINE_SIZE(n) every name of up
 * to n bytes is written whole.
 * @param buf   receives the line
 * @param size  bytes of buf
 * @param ev    the event
 * @return the line's length without the NUL; 0 when buf cannot hold the line
 *         even without its task name (size >= TP_EVLINE_SIZE(0) always can),
 *         for a kind other than 'A' or 'F', or for NULL arguments
 * @isr
 */
size_t tp_evline_format(char *buf, size_t size, const tp_evline_t *ev);

/**
 * Recognise a header line ("tpev N", spaces or tabs around N).
 * @param line  the line, without its end
 * @param len   its bytes
 * @return N (1 .. TP_EVLINE_VERSION, or a higher number up to 65535, which
 *         the caller should refuse), or 0 when the line is not a header (an N
 *         above 65535 included)
 * @isr
 */
unsigned tp_evline_header_version(const char *line, size_t len);

/** tp_evline_parse: *ev holds the event. */
#define TP_EVLINE_EVENT 1
/** tp_evline_parse: not an event line (empty, a '#' comment, or other text). */
#define TP_EVLINE_OTHER 0
/** tp_evline_parse: starts like an event ('A' or 'F' then a space, tab or the
 * end) but is not one; *why says what was expected. */
#define TP_EVLINE_MALFORMED (-1)

/**
 * Parse one line of a given revision. The task name is decoded into name_buf
 * (a longer name is cut to name_size bytes, the rest of it still checked);
 * ev->task points there, ev->task_len gives its length (0 when the line names
 * no task). Never reads outside line[0..len).
 * @param line       the line, without its end
 * @param len        its bytes
 * @param version    the stream's revision: 1 or 2
 * @param ev         receives the event
 * @param name_buf   receives the task name (may be NULL: names are then checked, not kept)
 * @param name_size  bytes of name_buf
 * @param why        receives what was expected, for TP_EVLINE_MALFORMED ("" otherwise); may be NULL
 * @retval TP_EVLINE_EVENT      *ev holds the event
 * @retval TP_EVLINE_OTHER      not an event line (also for NULL line or ev)
 * @retval TP_EVLINE_MALFORMED  looks like an event but is not one
 * @isr
 */
int tp_evline_parse(const char *line, size_t len, unsigned version, tp_evline_t *ev, char *name_buf, size_t name_size,
                    const char **why);

#ifdef __cplusplus
}
#endif

#endif /* TP_EVLINE_H */
