/*
 * files.c - the patterns directory on a POSIX host: one file NAME.ledp per
 * pattern (the wire format of app/led_pattern.h, byte for byte). Writes go to
 * a temporary file renamed over the old one, so a failed or interrupted
 * write never leaves half a pattern. No heap: names are listed into a fixed
 * table, sorted, so start-up loads the same patterns on every run.
 */
#define _POSIX_C_SOURCE 200809L
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "led_pattern.h"

#define EXT ".ledp"
#define MAX_LISTED 256

static char g_dir[512];
static char g_names[MAX_LISTED][LED_PATTERN_NAME_BYTES];

int files_init(const char *dir)
{
    struct stat st;
    if (dir == NULL || strlen(dir) >= sizeof g_dir - LED_PATTERN_NAME_BYTES - 16u || stat(dir, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        return -1;
    }
    (void)snprintf(g_dir, sizeof g_dir, "%s", dir);
    return 0;
}

static int path_of(const char *name, const char *suffix, char *out, size_t size)
{
    if (!led_pattern_name_ok(name, strlen(name))) {
        return -1;
    }
    const int n = snprintf(out, size, "%s/%s%s%s", g_dir, name, EXT, suffix);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

static tp_err_t file_size(void *ctx, const char *name, size_t *size)
{
    (void)ctx;
    char path[640];
    struct stat st;
    if (path_of(name, "", path, sizeof path) != 0) {
        return TP_ERR_INVALID_ARG;
    }
    if (stat(path, &st) != 0) {
        return errno == ENOENT ? TP_ERR_NOT_FOUND : TP_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        return TP_ERR_NOT_FOUND;
    }
    *size = (size_t)st.st_size;
    return TP_OK;
}

static tp_err_t file_read(void *ctx, const char *name, void *buf, size_t size, size_t *got)
{
    (void)ctx;
    char path[640];
    *got = 0;
    if (path_of(name, "", path, sizeof path) != 0) {
        return TP_ERR_INVALID_ARG;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return errno == ENOENT ? TP_ERR_NOT_FOUND : TP_ERR_IO;
    }
    *got = fread(buf, 1, size, f); /* the caller checks how much came */
    const int bad = ferror(f);
    fclose(f);
    return bad ? TP_ERR_IO : TP_OK;
}

static tp_err_t file_write(void *ctx, const char *name, const void *data, size_t len)
{
    (void)ctx;
    char path[640], tmp[640];
    if (path_of(name, "", path, sizeof path) != 0 || path_of(name, ".tmp", tmp, sizeof tmp) != 0) {
        return TP_ERR_INVALID_ARG;
    }
    FILE *f = fopen(tmp, "wb");
    if (f == NULL) {
        return TP_ERR_IO;
    }
    const size_t n = fwrite(data, 1, len, f);
    const int closed = fclose(f);
    if (n != len || closed != 0 || rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return TP_ERR_IO;
    }
    return TP_OK;
}

static tp_err_t file_remove(void *ctx, const char *name)
{
    (void)ctx;
    char path[640];
    if (path_of(name, "", path, sizeof path) != 0) {
        return TP_ERR_INVALID_ARG;
    }
    if (unlink(path) != 0) {
        return errno == ENOENT ? TP_ERR_NOT_FOUND : TP_ERR_IO;
    }
    return TP_OK;
}

/* Valid pattern names in the directory, sorted, into g_names; returns how many. */
static uint32_t list_sorted(void)
{
    DIR *d = opendir(g_dir);
    if (d == NULL) {
        return 0;
    }
    uint32_t n = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_LISTED) {
        const size_t len = strlen(e->d_name);
        const size_t ext = sizeof EXT - 1u;
        if (len <= ext || strcmp(e->d_name + len - ext, EXT) != 0 || !led_pattern_name_ok(e->d_name, len - ext)) {
            continue;
        }
        /* insertion sort: a few hundred names at most */
        char name[LED_PATTERN_NAME_BYTES];
        memcpy(name, e->d_name, len - ext);
        name[len - ext] = '\0';
        uint32_t i = n;
        while (i > 0 && strcmp(g_names[i - 1], name) > 0) {
            memcpy(g_names[i], g_names[i - 1], sizeof g_names[0]);
            i--;
        }
        memcpy(g_names[i], name, sizeof name);
        n++;
    }
    closedir(d);
    return n;
}

static tp_err_t file_at(void *ctx, uint32_t index, char *name, size_t size)
{
    (void)ctx;
    const uint32_t n = list_sorted();
    if (index >= n) {
        return TP_ERR_NOT_FOUND;
    }
    const int w = snprintf(name, size, "%s", g_names[index]);
    return w > 0 && (size_t)w < size ? TP_OK : TP_ERR_TRUNCATED;
}

void files_platform(led_platform_t *p)
{
    p->file_size = file_size;
    p->file_read = file_read;
    p->file_write = file_write;
    p->file_remove = file_remove;
    p->file_at = file_at;
}
