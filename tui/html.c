#include "html.h"

#include <math.h>
#include <string.h>

/* XML 1.0 has no way to write a control character other than tab, line
 * feed and carriage return, not even as a reference; DEL is allowed but
 * invisible. Such a byte (a CSV cell may hold one) becomes U+FFFD. */
#define REPLACEMENT "\xef\xbf\xbd"

int html_cut(const char *s, int max)
{
    int n = 0;
    while (n < max && s[n])
        n++;
    if (s[n] == '\0')
        return n;
    /* s goes on past max: back off a continuation byte (10xxxxxx) and the
     * lead byte it belongs to */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

void html_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\t':
        case '\n':
        case '\r': fputc(*s, f); break;
        default:
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                fputs(REPLACEMENT, f);
            else
                fputc(*s, f);
        }
}

/* The style sheet: readable on a phone (one column, charts scaled to the
 * width by their viewBox) and on paper (no page break inside a figure). */
static const char css[] =
    ":root{--ink:#1d2330;--muted:#5b6475;--line:#d9dde5;--soft:#f4f6f9}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--ink);background:#fff;"
    "font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}\n"
    "main{max-width:62rem;margin:0 auto;padding:1rem 1rem 3rem}\n"
    "h1{font-size:1.6rem;margin:.5rem 0 .2rem}\n"
    "h2{font-size:1.25rem;margin:2rem 0 .6rem;padding-bottom:.2rem;"
    "border-bottom:1px solid var(--line)}\n"
    "h3{font-size:1.05rem;margin:1.2rem 0 .4rem}\n"
    "p{max-width:48rem}\n"
    ".sub,.basis,figcaption{color:var(--muted);font-size:.9rem}\n"
    ".missing{color:var(--muted);font-style:italic;border-left:3px solid var(--line);"
    "padding-left:.6rem}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));"
    "gap:.6rem}\n"
    ".card{border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem;"
    "background:var(--soft)}\n"
    ".card .k{font-size:.85rem;color:var(--muted)}\n"
    ".card .v{font-size:1.45rem;font-weight:600}\n"
    ".card .ci{font-size:.8rem;color:var(--muted)}\n"
    /* min(): a column never wider than a phone's screen */
    ".grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(24rem,100%),1fr));"
    "gap:1rem}\n"
    "figure{margin:1rem 0}\n"
    "svg{display:block;width:100%;max-width:100%;height:auto}\n"
    "svg text{font-family:inherit;font-size:12px;fill:var(--ink)}\n"
    "svg .axis{stroke:#9aa3b2;stroke-width:1}\n"
    "svg .grid{stroke:#e6e9ef;stroke-width:1}\n"
    "svg .lab{fill:var(--muted);font-size:11px}\n"
    "svg .flow text{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}\n"
    ".wide{overflow-x:auto}\n"
    "table{border-collapse:collapse;font-size:.9rem;margin:.4rem 0}\n"
    "caption{text-align:left;color:var(--muted);font-size:.85rem;padding:.2rem 0}\n"
    "th,td{padding:.2rem .55rem;border-bottom:1px solid var(--line);text-align:right;"
    "white-space:nowrap}\n"
    "th{background:var(--soft);font-weight:600}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "td.t{text-align:left;white-space:normal}\n"
    ".kv th,.kv td{text-align:left}\n"
    ".yes{color:#1f7a45;font-weight:600}\n"
    "span[title]{text-decoration:underline dotted #b5bcc8}\n"
    "ol.steps li{margin:.35rem 0}\n"
    "@media (max-width:34rem){body{font-size:15px}main{padding:.6rem}"
    ".card .v{font-size:1.2rem}}\n"
    "@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
    "h2{break-after:avoid}figure,table,.card,.cards{break-inside:avoid}"
    ".wide{overflow:visible}span[title]{text-decoration:none}}\n";

void html_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<meta name=\"generator\" content=\"coinsim report\"/>\n<title>",
          f);
    html_text(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
}

void html_end(FILE *f)
{
    fputs("<p class=\"sub\">Written by <code>coinsim report</code> from the CSV files beside "
          "this page (docs/outputs.md says what each holds). Hover over a figure to see its "
          "exact value.</p>\n</main>\n</body>\n</html>\n",
          f);
}

void html_section(FILE *f, const char *id, const char *title)
{
    fprintf(f, "<section id=\"%s\">\n<h2>", id);
    html_text(f, title);
    fputs("</h2>\n", f);
}

void html_section_end(FILE *f) { fputs("</section>\n", f); }

void html_h3(FILE *f, const char *title)
{
    fputs("<h3>", f);
    html_text(f, title);
    fputs("</h3>\n", f);
}

void html_missing(FILE *f, const char *file, const char *what)
{
    fputs("<p class=\"missing\"><code>", f);
    html_text(f, file);
    fputs("</code> was not there, so ", f);
    html_text(f, what);
    fputs(" cannot be shown (an output of an older coinsim, or of a command that does not "
          "write it).</p>\n",
          f);
}

void html_p(FILE *f, const char *cls, const char *text)
{
    if (cls)
        fprintf(f, "<p class=\"%s\">", cls);
    else
        fputs("<p>", f);
    html_text(f, text);
    fputs("</p>\n", f);
}

void html_fig(FILE *f, double v, const char *exact, enum pretty_kind k)
{
    char b[PRETTY_BUF];
    pretty_as(b, v, k);
    if (exact && *exact) {
        fputs("<span title=\"", f);
        html_text(f, exact);
        fputs("\">", f);
        html_text(f, b);
        fputs("</span>", f);
    } else
        html_text(f, b);
}

void html_ci(FILE *f, double lo, double hi, const char *lo_txt, const char *hi_txt,
             enum pretty_kind k)
{
    if (isnan(lo) || isnan(hi)) {
        fputs("(one run: no interval)", f);
        return;
    }
    fputs("[", f);
    html_fig(f, lo, lo_txt, k);
    fputs(", ", f);
    html_fig(f, hi, hi_txt, k);
    fputs("]", f);
}

void html_td_fig(FILE *f, double v, const char *exact, enum pretty_kind k)
{
    fputs("<td>", f);
    html_fig(f, v, exact, k);
    fputs("</td>", f);
}

void html_td(FILE *f, const char *text)
{
    fputs("<td>", f);
    html_text(f, text);
    fputs("</td>", f);
}

void html_table(FILE *f, const char *caption, const char *const *head, int n)
{
    fputs("<div class=\"wide\"><table>\n", f);
    if (caption) {
        fputs("<caption>", f);
        html_text(f, caption);
        fputs("</caption>\n", f);
    }
    fputs("<thead><tr>", f);
    for (int i = 0; i < n; i++) {
        fputs("<th>", f);
        html_text(f, head[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
}

void html_table_end(FILE *f) { fputs("</tbody></table></div>\n", f); }
