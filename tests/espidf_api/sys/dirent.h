#pragma once
/* components/newlib/platform_include/sys/dirent.h (v5.1; from v5.3 the same
 * declarations come with the toolchain's newlib) */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
typedef struct {
    uint16_t dd_vfs_idx;
    uint16_t dd_rsv;
} DIR;
struct dirent {
    ino_t d_ino;
    uint8_t d_type;
#define DT_UNKNOWN 0
#define DT_REG 1
#define DT_DIR 2
    char d_name[256];
};
DIR *opendir(const char *name);
struct dirent *readdir(DIR *pdir);
long telldir(DIR *pdir);
void seekdir(DIR *pdir, long loc);
void rewinddir(DIR *pdir);
int closedir(DIR *pdir);
int readdir_r(DIR *pdir, struct dirent *entry, struct dirent **out_dirent);
