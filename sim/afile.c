#define _POSIX_C_SOURCE 200809L
#include "afile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files and directories being written, by name, for
 * afile_remove_temps. A slot is filled before it is marked used and
 * marked free before its name is reused, so a handler sees either nothing
 * or a whole name. */
#define AFILE_NAME 4096
enum { TEMP_FILE = 1, TEMP_DIR = 2 };
static char temp_name[AFILE_MAX_TEMPS][AFILE_NAME];
static atomic_int temp_used[AFILE_MAX_TEMPS]; /* 0, TEMP_FILE or TEMP_DIR */
static atomic_int temp_unlisted;              /* temporary files or directories not in the list */
static atomic_int *watched;

static int muted; /* afile_mute */

void afile_watch(atomic_int *flag) { watched = flag; }
void afile_mute(void) { muted = 1; }
int afile_muted(void) { return muted; }

int afile_remove_temps(void)
{
    for (int i = 0; i < AFILE_MAX_TEMPS; i++)
        if (temp_used[i] == TEMP_FILE)
            unlink(temp_name[i]);
    /* Directories once their files are gone, the innermost first: as long
     * as a round removes one, another may have emptied. */
    for (int again = 1; again;) {
        again = 0;
        for (int i = 0; i < AFILE_MAX_TEMPS; i++)
            if (temp_used[i] == TEMP_DIR && rmdir(temp_name[i]) == 0)
                again = 1;
    }
    return temp_unlisted ? -1 : 0;
}

/* List a temporary file or directory (kind): its slot, or -1 when the
 * list is full or the name too long (then counted in temp_unlisted, as is
 * the moment between creating it and listing it: the caller counts it
 * there first). */
static int temp_register(const char *name, int kind)
{
    if (strlen(name) < AFILE_NAME)
        for (int i = 0; i < AFILE_MAX_TEMPS; i++)
            if (!temp_used[i]) {
                memcpy(temp_name[i], name, strlen(name) + 1);
                temp_used[i] = kind; /* a sequentially consistent store: after the name */
                temp_unlisted--;
                return i;
            }
    return -1;
}

/* A listed name (slot, or -1 if it was counted unlisted) is gone or no
 * longer temporary: off the list. */
static void temp_unregister(int slot)
{
    if (slot >= 0)
        temp_used[slot] = 0;
    else
        temp_unlisted--;
}

/* The temporary file is renamed or removed: off the list. */
static void temp_forget(afile *a)
{
    if (a->slot >= 0 || a->tmp)
        temp_unregister(a->slot);
    a->slot = -1;
}

static int mkdirs(const char *dir)
{
    if (!*dir) {
        errno = ENOENT;
        return -1;
    }
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    }
    int rc = (mkdir(p, 0777) < 0 && errno != EEXIST) ? -1 : 0;
    free(p);
    return rc;
}

int afile_open(afile *a, const char *dir, const char *name, char *msg, size_t n)
{
    size_t ln = strlen(dir) + strlen(name) + 32;
    *a = (afile){NULL, NULL, NULL, -1};
    if (afile_interrupted()) { /* (a handler may have removed the temporary files already) */
        snprintf(msg, n, "%s/%s: interrupted before it was begun", dir, name);
        return -1;
    }
    a->tmp = malloc(ln);
    a->final = malloc(ln);
    if (!a->tmp || !a->final) {
        snprintf(msg, n, "out of memory");
        free(a->tmp); /* no file made yet: nothing to remove or count */
        free(a->final);
        *a = (afile){NULL, NULL, NULL, -1};
        return -1;
    }
    snprintf(a->final, ln, "%s/%s", dir, name);
    if (muted) { /* written nowhere: no temporary name */
        free(a->tmp);
        a->tmp = NULL;
        if (!(a->f = fopen("/dev/null", "w"))) {
            snprintf(msg, n, "/dev/null: cannot open: %s", strerror(errno));
            afile_abort(a);
            return -1;
        }
        return 0;
    }
    snprintf(a->tmp, ln, "%s/.%s.XXXXXX", dir, name);
    temp_unlisted++; /* from its creation until it is listed */
    int fd = mkstemp(a->tmp);
    if (fd < 0 || !(a->f = fdopen(fd, "w"))) {
        snprintf(msg, n, "%s: cannot create: %s", a->final, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(a->tmp);
        }
        temp_unlisted--;
        free(a->tmp);
        a->tmp = NULL;
        afile_abort(a);
        return -1;
    }
    a->slot = temp_register(a->tmp, TEMP_FILE);
    fchmod(fd, 0644);
    return 0;
}

/* Whether the watched flag is up: the writers look between runs, so a
 * large file stops within moments too. */
int afile_interrupted(void) { return watched && *watched; }

int afile_finish(afile *a, char *msg, size_t n)
{
    if (muted) {
        fclose(a->f);
        a->f = NULL;
        return 0;
    }
    int bad = afile_interrupted() || ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
    int e = errno;
    if (fclose(a->f) != 0)
        bad = 1;
    a->f = NULL;
    if (afile_interrupted()) {
        snprintf(msg, n, "%s: interrupted before it was complete", a->final);
        return -1;
    }
    if (bad) {
        snprintf(msg, n, "%s: write failed: %s", a->final, strerror(e));
        return -1;
    }
    return 0;
}

int afile_rename(afile *a, char *msg, size_t n)
{
    if (muted)
        return 0;
    if (rename(a->tmp, a->final) != 0) {
        snprintf(msg, n, "%s: cannot rename into place: %s", a->final, strerror(errno));
        return -1;
    }
    temp_forget(a);
    free(a->tmp);
    a->tmp = NULL;
    return 0;
}

int afile_commit(afile *a, char *msg, size_t n)
{
    if (afile_finish(a, msg, n) < 0 || afile_rename(a, msg, n) < 0)
        return -1;
    return 0;
}

void afile_abort(afile *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp) { /* an afile zeroed but never opened has none */
        unlink(a->tmp);
        temp_forget(a);
    }
    free(a->tmp);
    free(a->final);
    *a = (afile){NULL, NULL, NULL, -1};
}

void afile_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

char *afile_missing_root(const char *dir)
{
    struct stat st;
    char *p = strdup(dir), *root = NULL;
    if (!p || !*p || stat(p, &st) == 0) {
        free(p);
        return NULL;
    }
    /* Walk up while the path is missing: the last missing one is it. */
    for (;;) {
        free(root);
        root = strdup(p);
        char *slash = strrchr(p, '/');
        while (slash && slash > p && slash[1] == '\0') { /* a trailing slash */
            *slash = '\0';
            slash = strrchr(p, '/');
        }
        if (!slash || slash == p || !root)
            break;
        *slash = '\0';
        if (stat(p, &st) == 0)
            break;
    }
    free(p);
    return root;
}

void afile_unprepare_dir(const char *dir, const char *root)
{
    if (muted)
        return;
    char *p = root ? strdup(dir) : NULL;
    size_t rl = root ? strlen(root) : 0;
    while (p && strlen(p) > 1 && p[strlen(p) - 1] == '/')
        p[strlen(p) - 1] = '\0';
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    while (p && strlen(p) >= rl && rmdir(p) == 0 && strlen(p) > rl) {
        char *slash = strrchr(p, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
    free(p);
}

int afile_prepare_dir(const char *dir, char *msg, size_t n)
{
    afile a;
    struct stat st;
    if (muted)
        return 0;
    if (mkdirs(dir) < 0) {
        snprintf(msg, n, "%s: cannot create directory: %s", *dir ? dir : "\"\"", strerror(errno));
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(msg, n, "%s: not a directory (expected a directory for the output files)", dir);
        return -1;
    }
    if (afile_open(&a, dir, "probe", msg, n) < 0)
        return -1;
    afile_abort(&a);
    return 0;
}

/* ------------------------------------------------------- directory parts */

/* dir/name, malloc'd; NULL out of memory. */
static char *join(const char *dir, const char *name)
{
    size_t ln = strlen(dir) + strlen(name) + 2;
    char *p = malloc(ln);
    if (p)
        snprintf(p, ln, "%s/%s", dir, name);
    return p;
}

/* Remove path and, if it is a directory (not a link to one), all that is
 * in it. 0, or -1 if something could not be removed. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *dp = opendir(path);
    if (!dp)
        return -1;
    int rc = 0;
    for (struct dirent *e; (e = readdir(dp));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *sub = join(path, e->d_name);
        if (!sub || remove_tree(sub) < 0)
            rc = -1;
        free(sub);
    }
    closedir(dp);
    return rmdir(path) < 0 ? -1 : rc;
}

/* A directory part in the making: made and filled as path = tmp/NAME,
 * inside the hidden directory tmp = DIR/.NAME.XXXXXX, so that it has its
 * final last name from the start; listed for afile_remove_temps (tmp, path
 * and what is in path, in slot[]). */
typedef struct adir {
    char *tmp, *path, *final, *old; /* old: where an older final is moved aside */
    int *slot;
    size_t nslot;
    int made;    /* tmp exists and is ours to remove */
    int unknown; /* path is being filled: its contents are counted unlisted */
    int aside;   /* an older final is at old */
    int swapped; /* the new directory is at final */
} adir;

/* List name (of kind), already counted in temp_unlisted, as part of d. */
static int adir_track(adir *d, const char *name, int kind)
{
    int *ns = realloc(d->slot, (d->nslot + 1) * sizeof *ns);
    if (!ns) {
        temp_unlisted--; /* the caller removes it at once */
        return -1;
    }
    d->slot = ns;
    d->slot[d->nslot++] = temp_register(name, kind);
    return 0;
}

/* List everything under path (filled by a part's writer) as part of d. */
static int adir_track_tree(adir *d, const char *path)
{
    DIR *dp = opendir(path);
    int rc = dp ? 0 : -1;
    for (struct dirent *e; rc == 0 && (e = readdir(dp));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        char *sub = join(path, e->d_name);
        temp_unlisted++;
        if (!sub || lstat(sub, &st) != 0) {
            temp_unlisted--;
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = adir_track(d, sub, TEMP_DIR) < 0 ? -1 : adir_track_tree(d, sub);
        } else {
            rc = adir_track(d, sub, TEMP_FILE);
        }
        free(sub);
    }
    if (dp)
        closedir(dp);
    return rc;
}

/* Off the list: d's names are gone, or no longer temporary. */
static void adir_untrack(adir *d)
{
    for (size_t i = 0; i < d->nslot; i++)
        temp_unregister(d->slot[i]);
    if (d->unknown)
        temp_unlisted--;
    free(d->slot);
    d->slot = NULL;
    d->nslot = 0;
    d->unknown = 0;
}

/* Remove what is left of d and forget it; safe on an empty adir. */
static void adir_abort(adir *d)
{
    if (d->made)
        remove_tree(d->tmp);
    adir_untrack(d);
    free(d->tmp);
    free(d->path);
    free(d->final);
    free(d->old);
    memset(d, 0, sizeof *d);
}

/* Make part p (p->write_dir) under its temporary name in dir. 0 or -1 (msg). */
static int adir_make(adir *d, const char *dir, const afile_part *p, char *msg, size_t n)
{
    size_t ln = strlen(dir) + strlen(p->name) + 16;
    d->tmp = malloc(ln);
    d->final = join(dir, p->name);
    if (!d->tmp || !d->final) {
        snprintf(msg, n, "out of memory");
        return -1;
    }
    snprintf(d->tmp, ln, "%s/.%s.XXXXXX", dir, p->name);
    temp_unlisted++; /* from its creation until it is listed */
    if (!mkdtemp(d->tmp)) {
        snprintf(msg, n, "%s: cannot create: %s", d->final, strerror(errno));
        temp_unlisted--;
        return -1;
    }
    d->made = 1;
    if (adir_track(d, d->tmp, TEMP_DIR) < 0 || !(d->path = join(d->tmp, p->name))) {
        snprintf(msg, n, "out of memory");
        return -1;
    }
    /* While the writer fills path, what it has renamed into place there is
     * listed nowhere: a handler must say that some may remain. */
    temp_unlisted += 2;
    d->unknown = 1;
    if (adir_track(d, d->path, TEMP_DIR) < 0) {
        snprintf(msg, n, "out of memory");
        return -1;
    }
    if (p->write_dir(d->path, p->ud, msg, n) < 0) {
        /* Its message names the temporary path: name the final one. */
        size_t lp = strlen(d->path);
        if (strncmp(msg, d->path, lp) == 0) {
            char *rest = strdup(msg + lp);
            if (rest)
                snprintf(msg, n, "%s%s", d->final, rest);
            free(rest);
        }
        return -1;
    }
    if (afile_interrupted()) {
        snprintf(msg, n, "%s: interrupted before it was complete", d->final);
        return -1;
    }
    if (adir_track_tree(d, d->path) < 0) {
        snprintf(msg, n, "%s: cannot list what was written: %s", d->final, strerror(errno));
        return -1;
    }
    temp_unlisted--;
    d->unknown = 0;
    return 0;
}

/* Put a made directory in place: an older one there is moved aside into
 * d's temporary directory (kept there until adir_done, so that
 * adir_unswap can put it back), the new one renamed into place. With
 * SIGINT and SIGTERM held. 0, or -1 (msg) with nothing changed. */
static int fail_swap; /* afile_test_fail_swap */

void afile_test_fail_swap(int k) { fail_swap = k; }

static int adir_swap(adir *d, char *msg, size_t n)
{
    struct stat st;
    if (!(d->old = join(d->tmp, ".old"))) {
        snprintf(msg, n, "out of memory");
        return -1;
    }
    if (fail_swap > 0 && --fail_swap == 0) {
        snprintf(msg, n, "%s: cannot move the older one aside: %s", d->final, strerror(EBUSY));
        return -1;
    }
    if (lstat(d->final, &st) == 0) {
        if (rename(d->final, d->old) != 0) {
            snprintf(msg, n, "%s: cannot move the older one aside: %s", d->final, strerror(errno));
            return -1;
        }
        d->aside = 1;
    }
    if (rename(d->path, d->final) != 0) {
        snprintf(msg, n, "%s: cannot rename into place: %s", d->final, strerror(errno));
        if (d->aside && rename(d->old, d->final) != 0)
            d->made = 0; /* the old one is in tmp: keep it rather than remove it */
        d->aside = 0;
        return -1;
    }
    d->swapped = 1;
    return 0;
}

/* Undo adir_swap after a later part of the set failed: the new directory
 * back under its temporary name, the older one back in place. */
static void adir_unswap(adir *d)
{
    if (!d->swapped)
        return;
    if (rename(d->final, d->path) != 0 || (d->aside && rename(d->old, d->final) != 0))
        d->made = 0; /* what could not go back stays, rather than be removed */
    d->swapped = d->aside = 0;
}

/* The set took its names: remove the older directory and the temporary
 * one, and forget them. */
static void adir_done(adir *d)
{
    if (d->aside)
        remove_tree(d->old);
    rmdir(d->tmp);
    d->made = 0;
    adir_untrack(d);
}

/* ------------------------------------------------------------- the renames */

/* Whether final can take its new part: absent, or of the same kind (a
 * plain file, or with dir a directory). 0, or -1 (msg). */
static int replaceable(const char *final, int dir, char *msg, size_t n)
{
    struct stat st;
    if (lstat(final, &st) != 0 || (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
        return 0;
    snprintf(msg, n, "%s exists and is not a %s", final, dir ? "directory" : "regular file");
    return -1;
}

/* Give the finished parts of a set their final names, all or none (see
 * afile_rename_all): part k is file f[k], or directory d[k] when d and
 * d[k].tmp. */
/* Whether part k of parts (NULL: none is) only removes its name. */
static int removal(const afile_part *parts, size_t k)
{
    return parts && !parts[k].write && !parts[k].write_dir;
}

static int rename_set(const char *dir, afile *f, adir *d, const afile_part *parts, size_t nparts,
                      char *msg, size_t n)
{
    int rc = 0;
    size_t k;
    if (!nparts)
        return 0;
    /* A final name of another kind would fail its rename half-way through
     * the set: refuse before renaming any. */
    for (k = 0; k < nparts && rc == 0; k++)
        rc =
            d && d[k].tmp ? replaceable(d[k].final, 1, msg, n) : replaceable(f[k].final, 0, msg, n);
    /* Only when every part is complete on disk do they take their names,
     * all of them with SIGINT and SIGTERM held back, so an interruption
     * finds the set all old or all new; then the directory is synced so
     * the renames themselves are durable. */
    sigset_t hold, was;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &hold, &was);
    if (rc == 0 && afile_interrupted()) {
        snprintf(msg, n, "%s: interrupted before it was complete",
                 d && d[0].tmp ? d[0].final : f[0].final);
        rc = -1;
    }
    /* Directories first: a directory's swap can fail (a busy mount
     * point) and can be undone, a file's rename cannot; so every directory
     * is in place, or every one is put back, before any file is replaced. */
    size_t swapped = 0;
    for (k = 0; d && k < nparts && rc == 0; k++)
        if (d[k].tmp && (rc = adir_swap(&d[k], msg, n)) == 0)
            swapped = k + 1;
    for (k = 0; k < nparts && rc == 0; k++)
        if (!(d && d[k].tmp) && !removal(parts, k))
            rc = afile_rename(&f[k], msg, n);
    /* A name that goes with the set: checked a plain file or absent above,
     * in a directory the set was just renamed into, so its removal cannot
     * fail for want of rights; the new set stands either way. */
    for (k = 0; k < nparts && rc == 0; k++)
        if (removal(parts, k))
            (void)unlink(f[k].final);
    for (k = 0; d && k < swapped; k++)
        if (d[k].tmp) {
            if (rc == 0)
                adir_done(&d[k]);
            else
                adir_unswap(&d[k]);
        }
    pthread_sigmask(SIG_SETMASK, &was, NULL);
    if (rc == 0)
        afile_sync_dir(dir);
    return rc;
}

int afile_rename_all(const char *dir, afile *a, size_t nfiles, char *msg, size_t n)
{
    if (muted)
        return 0;
    return rename_set(dir, a, NULL, NULL, nfiles, msg, n);
}

int afile_write_set(const char *dir, const afile_part *parts, size_t nparts, char *msg, size_t n)
{
    if (muted)
        return 0;
    afile *f = calloc(nparts ? nparts : 1, sizeof *f);
    adir *d = calloc(nparts ? nparts : 1, sizeof *d);
    int rc = 0;
    if (!f || !d) {
        snprintf(msg, n, "out of memory");
        free(f);
        free(d);
        return -1;
    }
    for (size_t k = 0; k < nparts; k++)
        f[k].slot = -1;
    for (size_t k = 0; k < nparts && rc == 0; k++) {
        const afile_part *p = &parts[k];
        if (removal(parts, k)) { /* an older file of this name goes with the set */
            if (!(f[k].final = join(dir, p->name))) {
                snprintf(msg, n, "out of memory");
                rc = -1;
            }
        } else if (p->write_dir)
            rc = adir_make(&d[k], dir, p, msg, n);
        else if (afile_open(&f[k], dir, p->name, msg, n) < 0)
            rc = -1;
        else if (p->write(f[k].f, p->ud) < 0) {
            snprintf(msg, n, "%s/%s: out of memory while writing it", dir, p->name);
            rc = -1;
        } else {
            rc = afile_finish(&f[k], msg, n);
        }
    }
    if (rc == 0)
        rc = rename_set(dir, f, d, parts, nparts, msg, n);
    for (size_t k = 0; k < nparts; k++) {
        afile_abort(&f[k]);
        adir_abort(&d[k]);
    }
    free(f);
    free(d);
    return rc;
}
