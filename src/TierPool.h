/**
 * @file TierPool.h
 * The Arduino entry header: the pools and the diagnostics in one include.
 * The Arduino IDE puts only src/ on the include path; the library's headers
 * live in include/.
 */
#ifndef TIERPOOL_ARDUINO_H
#define TIERPOOL_ARDUINO_H
#include "../include/tierpool.h"
#include "../include/tp_crash.h"
#include "../include/tp_gate.h"
#include "../include/tp_health.h"
#include "../include/tp_stack.h"
#include "../include/tp_track.h"
#endif
