#define _POSIX_C_SOURCE 200809L
#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files being written, by name, for afile_remove_temps. A slot
 * is filled before it is marked used and marked free before its name is
 * reused, so a handler sees either nothing or a whole name. */
#define AFILE_SLOTS 16
#define AFILE_NAME  4096
static char temp_name[AFILE_SLOTS][AFILE_NAME];
static atomic_int temp_used[AFILE_SLOTS];
static atomic_int temp_unlisted; /* open temporary files not in the list */
static atomic_int *watched;

void afile_watch(atomic_int *flag) { watched = flag; }

int afile_remove_temps(void)
{
    for (int i = 0; i < AFILE_SLOTS; i++)
        if (temp_used[i])
            unlink(temp_name[i]);
    return temp_unlisted ? -1 : 0;
}

/* List an open temporary file: its slot, or -1 when the list is full or
 * the name too long (then counted in temp_unlisted, as is the moment
 * between creating a file and listing it). */
static int temp_register(const char *name)
{
    if (strlen(name) < AFILE_NAME)
        for (int i = 0; i < AFILE_SLOTS; i++)
            if (!temp_used[i]) {
                memcpy(temp_name[i], name, strlen(name) + 1);
                temp_used[i] = 1; /* a sequentially consistent store: after the name */
                temp_unlisted--;
                return i;
            }
    return -1;
}

/* The temporary file is renamed or removed: off the list. */
static void temp_forget(afile *a)
{
    if (a->slot >= 0)
        temp_used[a->slot] = 0;
    else if (a->tmp)
        temp_unlisted--;
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
    a->slot = temp_register(a->tmp);
    fchmod(fd, 0644);
    return 0;
}

/* Whether the watched flag is up: the writers look between runs, so a
 * large file stops within moments too. */
int afile_interrupted(void) { return watched && *watched; }

int afile_finish(afile *a, char *msg, size_t n)
{
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

int afile_rename_all(const char *dir, afile *a, size_t nfiles, char *msg, size_t n)
{
    int rc = 0;
    size_t k;
    if (!nfiles)
        return 0;
    /* A final name that is not a plain file would fail its rename half-way
     * through the set: refuse before renaming any. */
    for (k = 0; k < nfiles && rc == 0; k++) {
        struct stat st;
        if (lstat(a[k].final, &st) == 0 && !S_ISREG(st.st_mode)) {
            snprintf(msg, n, "%s exists and is not a regular file", a[k].final);
            rc = -1;
        }
    }
    /* Only when every file is complete on disk do they take their names,
     * all of them with SIGINT and SIGTERM held back, so an interruption
     * finds the set all old or all new; then the directory is synced so
     * the renames themselves are durable. */
    sigset_t hold, was;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &hold, &was);
    if (rc == 0 && afile_interrupted()) {
        snprintf(msg, n, "%s: interrupted before it was complete", a[0].final);
        rc = -1;
    }
    for (k = 0; k < nfiles && rc == 0; k++)
        if (afile_rename(&a[k], msg, n) < 0)
            rc = -1;
    pthread_sigmask(SIG_SETMASK, &was, NULL);
    if (rc == 0)
        afile_sync_dir(dir);
    return rc;
}
