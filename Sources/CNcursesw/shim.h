#ifndef ROUTERTOP_CNCURSESW_SHIM_H
#define ROUTERTOP_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <wchar.h>
#include <ncurses.h>

// Swift imports plain integer macros but not function-like ones, and Swift 6 rejects the mutable
// globals curses exports; these wrappers are the only way the executable reaches either.

static inline WINDOW *rt_stdscr(void) { return stdscr; }
static inline int rt_cols(void) { return COLS; }
static inline int rt_lines(void) { return LINES; }
static inline int rt_colors(void) { return COLORS; }
static inline int rt_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *rt_stdout(void) { return stdout; }
static inline FILE *rt_stdin(void) { return stdin; }

static inline attr_t rt_a_normal(void) { return A_NORMAL; }
static inline attr_t rt_a_bold(void) { return A_BOLD; }
static inline attr_t rt_a_dim(void) { return A_DIM; }
static inline attr_t rt_a_underline(void) { return A_UNDERLINE; }
static inline attr_t rt_a_reverse(void) { return A_REVERSE; }

static inline attr_t rt_color_pair(int pair) { return (attr_t)COLOR_PAIR(pair); }
static inline int rt_key_f(int number) { return KEY_F(number); }

static inline void rt_getmaxyx(WINDOW *window, int *rows, int *columns) {
    int y, x;
    getmaxyx(window, y, x);
    *rows = y;
    *columns = x;
}

/// Installs `handler` for `signo` without SA_RESTART, so a blocking read returns and the UI loop
/// sees the flag the handler set, and unblocks the signal in case the parent left it blocked.
/// Returns 0 on success.
static inline int rt_install_signal_handler(int signo, void (*handler)(int)) {
    struct sigaction action;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    action.sa_handler = handler;
    if (sigaction(signo, &action, NULL) != 0) return -1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/// Installs a one-shot `handler` for a fatal signal: the default action is back in place when it
/// runs, so returning from it lets the fault happen again and end the process as usual.
static inline int rt_install_fatal_handler(int signo, void (*handler)(int)) {
    struct sigaction action;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    action.sa_handler = handler;
    return sigaction(signo, &action, NULL);
}

/// The real-time signals' range: SIGRTMIN and SIGRTMAX are function-like macros on glibc.
#ifdef SIGRTMIN
static inline int rt_sigrtmin(void) { return SIGRTMIN; }
static inline int rt_sigrtmax(void) { return SIGRTMAX; }
#else
static inline int rt_sigrtmin(void) { return 0; }
static inline int rt_sigrtmax(void) { return -1; }
#endif

/// Puts the default action back for `signo` (used before re-raising a fatal signal).
static inline int rt_reset_signal_handler(int signo) {
    struct sigaction action;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    action.sa_handler = SIG_DFL;
    return sigaction(signo, &action, NULL);
}

#endif
