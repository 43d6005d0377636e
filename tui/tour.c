#include "tour.h"

#include "views.h"

const tour_stop tour_stops[] = {
    {VIEW_OVERVIEW, TOUR_NONE, NULL, "Welcome",
     "This is a live-gift economy: viewers buy coins, gift them to creators who are live, and "
     "creators cash out. The simulation has run 30 days and is paused. Enter goes on, "
     "Backspace goes back, Esc leaves the tour."},
    {VIEW_OVERVIEW, TOUR_NONE, "cash_in", "Recharge",
     "Viewers recharge: they buy coin packs with real money, in the app or on the web. "
     "This is all the money that enters the economy."},
    {VIEW_FLOW, TOUR_NONE, "f_store", "The store's fee",
     "In the app the app store keeps about 30% of every purchase; on the web a payment "
     "processor keeps about 3%. That money never reaches the platform."},
    {VIEW_FLOW, TOUR_NONE, "f_gifts", "Gifts",
     "Viewers spend coins on gifts to a creator they watch live: a rose for 1 coin, a lion "
     "for 29,999. Each gift is worth a fixed coin value."},
    {VIEW_FLOW, TOUR_NONE, "f_commission", "Commission",
     "The platform keeps a commission: the part of a gift's value it does not credit to the "
     "creator. At 50% a 1-coin gift worth $0.01 credits $0.005."},
    {VIEW_FLOW, TOUR_NONE, "f_diamonds", "Diamonds",
     "What is credited arrives as diamonds. They are the creator's balance with the platform, "
     "not money yet."},
    {VIEW_FLOW, TOUR_NONE, "f_cashout", "Cash-out",
     "Once their diamonds are worth the minimum, creators cash out, up to a daily limit; "
     "payout fees come off and the rest reaches their bank."},
    {VIEW_FLOW, TOUR_NONE, "f_wallets", "Breakage and unspent coins",
     "Not every coin is gifted. Some sit unspent in wallets (the platform owes them), some "
     "buy boosts and effects that pay no creator, and some are lost when a viewer leaves: "
     "breakage, pure gain for the platform."},
    {VIEW_VIEWERS, TOUR_NONE, "segments", "Whales",
     "A small segment of big spenders, the whales, brings most of the money: compare their "
     "share of viewers with their share of spend."},
    {VIEW_CREATORS, TOUR_NONE, "lorenz", "Few creators earn most",
     "Earnings are concentrated too: the Lorenz curve sags far below the diagonal and a "
     "handful of creators top the leaderboard."},
    {VIEW_OVERVIEW, TOUR_PRICE_CUT, "chart_cash", "A price change",
     "The tour has just cut every in-app pack's price by 20% and run 30 more days. Watch cash "
     "in per step after the cut, and the band of all runs recomputed with the change."},
    {VIEW_PRICING, TOUR_NONE, "packs", "...and its effect on the packs",
     "Cheaper packs sell more, and the mix shifts. Every change you make is a timeline row: "
     "s saves the session as a scenario to replay with coinsim run --headless. Esc ends the tour."},
};

const int tour_nstops = (int)(sizeof tour_stops / sizeof tour_stops[0]);
