// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "walk_int.h"
#include "util.h"

void walk_lock(struct walker *w)
{
	if (w->pool)
		pthread_mutex_lock(&w->pool->lock);
}

void walk_unlock(struct walker *w)
{
	if (w->pool)
		pthread_mutex_unlock(&w->pool->lock);
}

void walk_add_status(struct walker *w, int st)
{
	walk_lock(w);
	if (st > w->status)
		w->status = st;
	walk_unlock(w);
}

static struct dirref *get_dir(struct dirref *d)
{
	if (d)
		d->refs++;
	return d;
}

/* Drop a reference; the caller holds the pool lock if there is a pool. */
void walk_put_dir_locked(struct walker *w, struct dirref *d)
{
	if (!d || --d->refs)
		return;
	close(d->fd);
	free(d);
	if (w->pool) {
		w->pool->open_dirs--;
		if (w->pool->walker_waits)
			pthread_cond_signal(&w->pool->not_full);
	}
}

void walk_put_dir(struct walker *w, struct dirref *d)
{
	walk_lock(w);
	walk_put_dir_locked(w, d);
	walk_unlock(w);
}

static bool heap_before(const struct item *a, const struct item *b)
{
	return a->st.st_size > b->st.st_size;
}

static void heap_push(struct pool *p, const struct item *it)
{
	size_t i = p->count++;

	while (i && heap_before(it, &p->heap[(i - 1) / 2])) {
		p->heap[i] = p->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	p->heap[i] = *it;
}

static struct item heap_pop(struct pool *p)
{
	struct item top = p->heap[0], last = p->heap[--p->count];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= p->count)
			break;
		if (c + 1 < p->count && heap_before(&p->heap[c + 1], &p->heap[c]))
			c++;
		if (!heap_before(&p->heap[c], &last))
			break;
		p->heap[i] = p->heap[c];
		i = c;
	}
	if (p->count)
		p->heap[i] = last;
	return top;
}

void *walk_worker_main(void *arg)
{
	struct walker *w = arg;
	struct pool *p = w->pool;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct item it;

		while (!p->count && !p->done) {
			p->idle++;
			pthread_cond_wait(&p->not_empty, &p->lock);
			p->idle--;
		}
		if (!p->count)
			break;
		it = heap_pop(p);
		if (p->walker_waits)
			pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->lock);

		walk_process(w, &it);
		free(it.path);
		pthread_mutex_lock(&p->lock);
		walk_put_dir_locked(w, it.dir);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Queue (or, without a pool, process) the regular file @name in @dir. */
void walk_submit(struct walker *w, struct dirref *dir, const char *name,
		 const char *path, const struct stat *st)
{
	struct pool *p = w->pool;
	struct item it = { .dir = dir, .st = *st, .name = (size_t)(name - path) };

	if (!p) {
		it.path = (char *)path;
		walk_process(w, &it);
		return;
	}
	it.path = strdup(path);
	if (!it.path) {
		walk_note(w, path, "out of memory", 2);
		return;
	}
	pthread_mutex_lock(&p->lock);
	while (p->count == QUEUE_MAX) {
		p->walker_waits = true;
		pthread_cond_wait(&p->not_full, &p->lock);
	}
	p->walker_waits = false;
	if (grow_array(&p->heap, &p->cap, p->count + 1, sizeof(*p->heap), 256)) {
		pthread_mutex_unlock(&p->lock);
		free(it.path);
		walk_note(w, path, "out of memory", 2);
		return;
	}
	get_dir(dir);
	heap_push(p, &it);
	if (p->idle)
		pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->lock);
}

/*
 * Account for one more directory descriptor: while queued files hold as
 * many as the budget allows, wait for the workers to release some.
 */
void walk_reserve_dir(struct walker *w)
{
	struct pool *p = w->pool;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	while (p->open_dirs >= p->dir_budget && p->count) {
		p->walker_waits = true;
		pthread_cond_wait(&p->not_full, &p->lock);
	}
	p->walker_waits = false;
	p->open_dirs++;
	pthread_mutex_unlock(&p->lock);
}

void walk_unreserve_dir(struct walker *w)
{
	walk_lock(w);
	if (w->pool)
		w->pool->open_dirs--;
	walk_unlock(w);
}

