#ifndef ROUTERTOP_CNCURSESW_SHIM_H
#define ROUTERTOP_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>
#endif
