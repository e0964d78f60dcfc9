/*
 * ps_lines.h - an input read line by line in bounded chunks: a file, standard
 * input, or a memory buffer. A line is handed out writable (the reader cleans
 * it in place) and without its '\n'. Memory: one chunk plus one line at most.
 */
#ifndef PS_LINES_H
#define PS_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *f;         /* NULL for memory input */
    int own;         /* 1: fclose on close (not stdin) */
    int seekable;    /* a regular file: rewind by seeking */
    const char *mem; /* memory input */
    size_t mem_len, mem_pos;
    char *buf; /* chunk buffer */
    size_t cap, start, end;
    size_t line_max; /* longer lines are cut there (the rest is discarded) */
    int eof;
    int skip_rest; /* the last line was cut: skip to its end first */
    uint64_t line; /* number of the last line returned, 1-based */
} ps_lines_t;

/* Open path ("-" = standard input) with lines cut at line_max bytes.
 * 0, or -1 with a message in msg. */
int ps_lines_open_file(ps_lines_t *in, const char *path, size_t line_max, char *msg, size_t len);

/* Memory input (not copied). 0, or -1 when memory is short. */
int ps_lines_open_mem(ps_lines_t *in, const char *buf, size_t buf_len, size_t line_max);

/* The same, read `chunk` bytes at a time (tests and fuzzing: chunk edges). */
int ps_lines_open_mem_chunk(ps_lines_t *in, const char *buf, size_t buf_len, size_t line_max, size_t chunk);

/*
 * The next line: 1 with *line / *len set (writable until the next call) and
 * *cut set when the line was longer than line_max; 0 at the end; -1 on a read
 * error (a message in msg).
 */
int ps_lines_next(ps_lines_t *in, char **line, size_t *len, int *cut, char *msg, size_t msg_len);

/* 1 when the input can be started over. */
int ps_lines_can_rewind(const ps_lines_t *in);

/* Start over. 0, or -1 (not rewindable, or the seek failed). */
int ps_lines_rewind(ps_lines_t *in);

void ps_lines_close(ps_lines_t *in);

#endif /* PS_LINES_H */
