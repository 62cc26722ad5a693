/*
 * thread.h - starting the helper threads of the runner and the xgboost
 * backend.
 */
#ifndef SG_THREAD_H
#define SG_THREAD_H

#include <pthread.h>

/*
 * pthread_create with every signal blocked in the new thread but the
 * faults a thread itself causes (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT): signals such as SIGINT and SIGTERM are for the main thread.
 * Returns 0 or pthread_create's error number.
 */
int sg_thread_create(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
