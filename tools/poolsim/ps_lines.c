/* ps_lines.c - see ps_lines.h. */
#define _POSIX_C_SOURCE 200809L /* fileno, fstat */
#include "ps_lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK ((size_t)256 * 1024)

static int alloc_buf(ps_lines_t *in, size_t line_max, size_t chunk)
{
    in->line_max = line_max;
    in->cap = chunk + line_max + 1u;
    in->buf = malloc(in->cap);
    return in->buf ? 0 : -1;
}

int ps_lines_open_file(ps_lines_t *in, const char *path, size_t line_max, char *msg, size_t len)
{
    memset(in, 0, sizeof *in);
    if (strcmp(path, "-") == 0) {
        in->f = stdin;
    } else {
        in->f = fopen(path, "rb");
        in->own = 1;
    }
    if (in->f == NULL) {
        snprintf(msg, len, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    in->seekable = fstat(fileno(in->f), &st) == 0 && S_ISREG(st.st_mode);
    if (alloc_buf(in, line_max, CHUNK) != 0) {
        snprintf(msg, len, "out of memory");
        ps_lines_close(in);
        return -1;
    }
    return 0;
}

int ps_lines_open_mem_chunk(ps_lines_t *in, const char *buf, size_t buf_len, size_t line_max, size_t chunk)
{
    memset(in, 0, sizeof *in);
    in->mem = buf != NULL ? buf : "";
    in->mem_len = buf != NULL ? buf_len : 0u;
    in->seekable = 1;
    return alloc_buf(in, line_max, chunk > 0u ? chunk : 1u);
}

int ps_lines_open_mem(ps_lines_t *in, const char *buf, size_t buf_len, size_t line_max)
{
    return ps_lines_open_mem_chunk(in, buf, buf_len, line_max, CHUNK);
}

/* Move the unread bytes to the front and read more. -1 on a read error. */
static int refill(ps_lines_t *in)
{
    if (in->start > 0u) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    const size_t room = in->cap - 1u - in->end;
    size_t got;
    if (in->f != NULL) {
        got = fread(in->buf + in->end, 1, room, in->f);
        if (got < room) {
            if (ferror(in->f)) {
                return -1;
            }
            in->eof = 1;
        }
    } else {
        got = in->mem_len - in->mem_pos < room ? in->mem_len - in->mem_pos : room;
        memcpy(in->buf + in->end, in->mem + in->mem_pos, got);
        in->mem_pos += got;
        in->eof = in->mem_pos == in->mem_len;
    }
    in->end += got;
    return 0;
}

int ps_lines_next(ps_lines_t *in, char **line, size_t *len, int *cut, char *msg, size_t msg_len)
{
    for (;;) {
        char *s = in->buf + in->start;
        const size_t avail = in->end - in->start;
        char *nl = memchr(s, '\n', avail);
        if (in->skip_rest) { /* the tail of a line handed out cut */
            in->start = nl != NULL ? (size_t)(nl + 1 - in->buf) : in->end;
            in->skip_rest = nl == NULL;
            if (nl != NULL) {
                continue;
            }
        } else if (nl != NULL) {
            const size_t n = (size_t)(nl - s);
            *line = s;
            *cut = n > in->line_max;
            *len = *cut ? in->line_max : n;
            in->start += n + 1u;
            in->line++;
            return 1;
        } else if (avail > in->line_max || (in->eof && avail > 0u)) {
            /* too long to wait for its end, or the last line without '\n' */
            *line = s;
            *cut = avail > in->line_max;
            *len = *cut ? in->line_max : avail;
            in->start = in->end;
            in->skip_rest = *cut && !in->eof;
            in->line++;
            return 1;
        }
        if (in->eof) {
            return 0;
        }
        if (refill(in) != 0) {
            snprintf(msg, msg_len, "read error: %s", strerror(errno));
            return -1;
        }
    }
}

int ps_lines_can_rewind(const ps_lines_t *in)
{
    return in->seekable;
}

int ps_lines_rewind(ps_lines_t *in)
{
    if (!in->seekable) {
        return -1;
    }
    if (in->f != NULL) {
        if (fseek(in->f, 0, SEEK_SET) != 0) {
            return -1;
        }
        clearerr(in->f);
    }
    in->mem_pos = 0;
    in->start = in->end = 0;
    in->eof = 0;
    in->skip_rest = 0;
    in->line = 0;
    return 0;
}

void ps_lines_close(ps_lines_t *in)
{
    if (in->f != NULL && in->own) {
        fclose(in->f);
    }
    free(in->buf);
    memset(in, 0, sizeof *in);
}
