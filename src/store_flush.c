/*
 * store_flush.c - writing a long transaction's WAL out to the disk while
 * it is still being written.
 *
 * A large ingest writes hundreds of megabytes of WAL frames (every new
 * page, and every page of the case-id index it sweeps through). The
 * kernel keeps them in memory, dirty, until the commit's fsync, which then
 * waits for all of them at once: 1.8 s of a 9 s night into a store of 9M
 * cases, with the CPU idle. A helper thread asks the kernel every
 * FLUSH_MS to start writing what is dirty in the WAL (sync_file_range,
 * SYNC_FILE_RANGE_WRITE: it starts the writes and does not wait for them),
 * so the disk works while the ingest does, and the commit's fsync finds
 * little left. The same for the database file while the commit's
 * checkpoint copies the pages into it (it ends with an fsync of that file
 * too). Durability is unchanged: the commit still syncs; the helper only
 * writes sooner what would be written anyway. It never touches the
 * connection: it has descriptors of its own of the two files (that of the
 * database file the store's, closed after the connection: store.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sg/buf.h"
#include "sg/thread.h"
#include "store_impl.h"

#define FLUSH_MS 200

struct sg_store_flusher {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int fd;    /* the WAL */
	int db_fd; /* the database file (the store's), or -1 */
};

/* Starts writing out what is dirty in fd (does not wait for it). */
static void flush_file(int fd)
{
	if (fd < 0)
		return;
#ifdef SYNC_FILE_RANGE_WRITE
	if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0 ||
	    errno != ENOSYS)
		return;
#endif
	fdatasync(fd);
}

static void *flusher_main(void *arg)
{
	struct sg_store_flusher *f = arg;
	struct timespec at;

	pthread_mutex_lock(&f->mu);
	while (!f->stop) {
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += FLUSH_MS * 1000000L;
		at.tv_sec += at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&f->cv, &f->mu, &at);
		if (f->stop)
			break;
		pthread_mutex_unlock(&f->mu);
		flush_file(f->fd);
		flush_file(f->db_fd);
		pthread_mutex_lock(&f->mu);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

struct sg_store_flusher *sg_store_flusher_start(struct sg_store *s)
{
	struct sg_store_flusher *f;
	struct sg_buf wal = SG_BUF_INIT;
	int fd;

	sg_buf_addf(&wal, "%s-wal", s->path);
	fd = open(wal.buf, O_RDONLY | O_CLOEXEC);
	sg_buf_release(&wal);
	if (fd < 0)
		return NULL; /* no WAL to write out: nothing to help with */
	if (s->flush_fd < 0)
		s->flush_fd = open(s->path, O_RDONLY | O_CLOEXEC);
	f = sg_xcalloc(1, sizeof(*f));
	f->fd = fd;
	f->db_fd = s->flush_fd;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (sg_thread_create(&f->thread, flusher_main, f)) {
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
		close(fd);
		free(f);
		return NULL;
	}
	return f;
}

void sg_store_flusher_stop(struct sg_store_flusher *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	close(f->fd);
	free(f);
}
