/* files.h - the patterns directory of the host platform (files.c). */
#ifndef LED_FILES_H
#define LED_FILES_H

#include "led_app.h"

/* Use dir (an existing directory) for the pattern files. 0 on success. */
int files_init(const char *dir);

/* Fill the file functions of a platform description. */
void files_platform(led_platform_t *p);

#endif /* LED_FILES_H */
