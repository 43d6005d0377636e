/* tour — the guided tour's stops: where to look, and what it means. */
#ifndef COINSIM_TOUR_H
#define COINSIM_TOUR_H

enum tour_action { TOUR_NONE, TOUR_PRICE_CUT };

typedef struct tour_stop {
    int view;                /* VIEW_... to show */
    enum tour_action action; /* done once, when the stop is first reached */
    const char *anchor;      /* the part of the screen to highlight, or NULL */
    const char *title;
    const char *text; /* wrapped to the box */
} tour_stop;

extern const tour_stop tour_stops[];
extern const int tour_nstops;

#endif
