/* html — the frame of report.html: a page that is HTML5 and well-formed
 * XML at once (every element closed, every attribute quoted, only XML's
 * entities), with its CSS inline, no script and no reference outside the
 * file; and the pieces every section uses: escaped text, figures for
 * people with their exact value as a tooltip, tables, the note for a
 * file that was not there. Nothing here reads the clock or the locale. */
#ifndef COINSIM_HTML_H
#define COINSIM_HTML_H

#include <stdio.h>

#include "pretty.h"

/* s with & < > " ' written as entities, and a control character XML
 * cannot hold (C0 but tab, LF and CR; DEL) as U+FFFD. */
void html_text(FILE *f, const char *s);

/* How many bytes of s, at most max, end on a whole UTF-8 character: for
 * "%.*s", so that a name cut short stays valid text. */
int html_cut(const char *s, int max);

/* <!DOCTYPE html>, the head with title (escaped) and the style sheet,
 * and the opening of the body; html_end closes them. */
void html_begin(FILE *f, const char *title);
void html_end(FILE *f);

/* <h2 id="id">title</h2> opening a <section>; html_section_end closes it. */
void html_section(FILE *f, const char *id, const char *title);
void html_section_end(FILE *f);

/* <h3>title</h3> (escaped). */
void html_h3(FILE *f, const char *title);

/* <p class="missing">: file was not there in the directory, so what it
 * would have shown (what) is not either; an older output, or a command
 * that does not write it. */
void html_missing(FILE *f, const char *file, const char *what);

/* A paragraph of plain text (escaped), with class cls when not NULL. */
void html_p(FILE *f, const char *cls, const char *text);

/* v for people, in a <span> whose title is exact (the cell as written)
 * when exact is not NULL and not empty. */
void html_fig(FILE *f, double v, const char *exact, enum pretty_kind k);

/* "[lo, hi]" for people with their exact texts as the tooltip, or
 * "(one run: no interval)" when either is NaN. */
void html_ci(FILE *f, double lo, double hi, const char *lo_txt, const char *hi_txt,
             enum pretty_kind k);

/* <td> holding html_fig, and a <td> of text (escaped). */
void html_td_fig(FILE *f, double v, const char *exact, enum pretty_kind k);
void html_td(FILE *f, const char *text);

/* A table's opening with its header cells (escaped), in a div that
 * scrolls sideways on a narrow screen; html_table_end closes both. */
void html_table(FILE *f, const char *caption, const char *const *head, int n);
void html_table_end(FILE *f);

#endif
