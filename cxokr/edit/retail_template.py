"""The data of the retail-cx template: teams, metrics and OKR text for a retailer's CX org.

Kept apart from `scaffold`, which turns it into files, because it is data, not logic.
"""

from __future__ import annotations

COMPANY_ROLE = "Level 1: the executive team owns the customer outcomes for the year."

# team -> (name, level, parent, function, what the team owns)
TEAMS: dict[str, tuple[str, int, str | None, str, str]] = {
    "company": ("Executive team", 1, None, "executive", COMPANY_ROLE),
    "cx-leadership": (
        "CX leadership",
        2,
        "company",
        "cx",
        "Level 2: owns the cross-functional levers that turn company goals into team work.",
    ),
    "ecommerce": (
        "E-commerce",
        3,
        "cx-leadership",
        "ecommerce",
        "Level 3: owns the web and app journey from product page to order confirmation.",
    ),
    "support": (
        "Customer care",
        3,
        "cx-leadership",
        "support",
        "Level 3: customer care by phone, chat and email.",
    ),
    "stores": (
        "Stores",
        3,
        "cx-leadership",
        "stores",
        "Level 3: the in-store experience, including click & collect pickup.",
    ),
    "platform": (
        "Commerce platform",
        4,
        "ecommerce",
        "it",
        "Level 4: IT's commerce platform team (checkout, payments, agent tooling).",
    ),
    "fulfilment": (
        "Fulfilment",
        4,
        "ecommerce",
        "fulfilment",
        "Level 4: the distribution centre that picks, packs and ships online orders.",
    ),
}

# metric -> (name, unit, direction, owner, source, segments, description)
METRICS: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "nps": (
        "Net Promoter Score",
        "points",
        "higher",
        "cx-leadership",
        "survey-export",
        "online, in-store",
        "Share of promoters (9-10) minus share of detractors (0-6) on 'How likely are "
        "you to recommend us?', from post-purchase surveys over a trailing 28 days. "
        "Ranges from -100 to 100.",
    ),
    "csat": (
        "Customer satisfaction (care)",
        "%",
        "higher",
        "support",
        "helpdesk",
        "",
        "Share of rated support tickets answered 'satisfied' or 'very satisfied' in the "
        "post-resolution survey, trailing 7 days.",
    ),
    "aov": (
        "Average order value",
        "USD",
        "higher",
        "ecommerce",
        "commerce-platform-export",
        "online, in-store",
        "Net merchandise revenue (after discounts, before tax and shipping) divided by "
        "the number of orders, per week.",
    ),
    "conversion-rate": (
        "Conversion rate",
        "%",
        "higher",
        "ecommerce",
        "web-analytics",
        "online, mobile",
        "Sessions with at least one order divided by all sessions, per week. 'online' "
        "is the desktop website, 'mobile' the mobile web and app.",
    ),
    "cart-abandonment": (
        "Cart abandonment rate",
        "%",
        "lower",
        "ecommerce",
        "commerce-platform-export",
        "",
        "Carts with at least one item that did not become an order within 24 hours, "
        "divided by all carts created, per week.",
    ),
    "aht": (
        "Average handle time",
        "s",
        "lower",
        "support",
        "helpdesk",
        "",
        "Mean agent time per solved ticket (talk or chat time plus wrap-up), across "
        "phone and chat, per week.",
    ),
    "fcr": (
        "First contact resolution",
        "%",
        "higher",
        "support",
        "helpdesk",
        "",
        "Solved tickets with no reopen and no new ticket from the same customer on the "
        "same topic within 7 days, divided by all solved tickets, per week.",
    ),
    "lcp-checkout": (
        "Checkout largest contentful paint",
        "s",
        "lower",
        "platform",
        "crux",
        "",
        "75th percentile Largest Contentful Paint of the checkout pages for real Chrome "
        "users over a trailing 28 days. Google rates 2.5 s or less as good.",
    ),
    "next-day-shipping": (
        "Next-day shipping rate",
        "%",
        "higher",
        "fulfilment",
        "wms",
        "",
        "Online orders placed before the daily cut-off that left the distribution "
        "centre by the end of the next calendar day, divided by all online orders "
        "placed before the cut-off, per week.",
    ),
}

# OKR files: `$up` is the prefix that reaches the yearly period from the quarter
# (`2026:`), empty when both are one period. No readings ship with the template,
# so every target key result states its start.
OKRS: dict[str, str] = {
    "company": """
        # Level 1: the customer outcomes the executive team commits to for the year.
        # Team objectives for each quarter align to these as $up_shown.
        objectives:
          - id: raise-aov
            title: Raise average order value 10% this year
            key_results:
              - id: aov-online
                title: Raise online AOV from 60 to 66 USD
                metric: aov
                segment: online
                start: 60
                target: 66
              - id: aov-in-store
                title: Raise in-store AOV from 74 to 80 USD
                metric: aov
                segment: in-store
                start: 74
                target: 80

          - id: next-day-shipping
            title: Next-day shipping for every online order
            key_results:
              - id: next-day-rate
                title: Ship 95% of online orders the next day, up from 72%
                metric: next-day-shipping
                start: 72
                target: 95

          - id: raise-nps
            title: Customers love us enough to recommend us
            weight: 2     # the headline CX goal counts double in the roll-up
            key_results:
              - id: nps-online
                title: Lift online NPS from 38 to 45
                metric: nps
                segment: online
                start: 38
                target: 45
              - id: nps-in-store
                title: Lift in-store NPS from 45 to 50
                metric: nps
                segment: in-store
                start: 45
                target: 50
    """,
    "cx-leadership": """
        # Level 2: the cross-functional levers behind the company's NPS goal.
        objectives:
          - id: lift-nps
            title: Every touchpoint earns a recommendation
            aligns_to: ${up}company/raise-nps
            key_results:
              # The same metric and segment as the company goal read the same readings.
              - id: nps-online
                title: Lift online NPS from 42 to 45
                metric: nps
                segment: online
                start: 42
                target: 45

          # No key results of its own: progress rolls up from the support, stores
          # and platform objectives that align to it.
          - id: effortless-service
            title: Getting help or picking up an order takes no effort
            aligns_to: ${up}company/raise-nps
            progress: aligned
    """,
    "ecommerce": """
        objectives:
          - id: grow-basket
            title: Shoppers find more to love in every basket
            aligns_to: ${up}company/raise-aov
            key_results:
              - id: aov-online
                title: Raise online AOV from 62 to 66 USD
                metric: aov
                segment: online
                start: 62
                target: 66
                weight: 2
              - id: bundles-live
                title: Bundles live on 3 category pages
                unit: count
                start: 0
                target: 3
              # Guardrail: richer pages must not slow checkout past Google's "good" line.
              - id: checkout-lcp
                title: Keep checkout LCP under 2.5 s while we add bundles
                metric: lcp-checkout
                type: stay_below
                target: 2.5

          - id: smooth-checkout
            title: Checkout that doesn't lose people
            aligns_to: ${up}company/raise-aov
            key_results:
              - id: cart-abandonment
                title: Cut cart abandonment from 72% to 67%
                metric: cart-abandonment
                start: 72
                target: 67
              - id: desktop-conversion
                title: Raise desktop conversion from 2.4% to 2.8%
                metric: conversion-rate
                segment: online
                start: 2.4
                target: 2.8
              - id: mobile-conversion
                title: Raise mobile conversion from 1.9% to 2.3%
                metric: conversion-rate
                segment: mobile
                start: 1.9
                target: 2.3
    """,
    "support": """
        objectives:
          - id: faster-answers
            title: Customers get the right answer on the first try, fast
            aligns_to: cx-leadership/effortless-service
            key_results:
              - id: fcr
                title: Raise first contact resolution from 71% to 78%
                metric: fcr
                start: 71
                target: 78
                weight: 2
              - id: handle-time
                title: Cut average handle time from 420 s to 380 s
                metric: aht
                start: 420
                target: 380
              # Guardrail: speed must not cost satisfaction.
              - id: csat-floor
                title: Keep care CSAT at or above 85% while we speed up
                metric: csat
                type: stay_above
                target: 85
    """,
    "stores": """
        objectives:
          - id: fast-pickup
            title: Click & collect orders are ready the moment customers arrive
            aligns_to: cx-leadership/effortless-service
            key_results:
              - id: pickup-wait
                title: Cut click & collect wait from 12 to 5 minutes
                unit: min
                start: 12
                target: 5
              - id: nps-in-store
                title: Lift in-store NPS from 46 to 50
                metric: nps
                segment: in-store
                start: 46
                target: 50

          - id: endless-aisle
            title: No store shopper leaves empty-handed because of a missing size
            aligns_to: ${up}company/raise-aov
            key_results:
              - id: aov-in-store
                title: Raise in-store AOV from 76 to 80 USD
                metric: aov
                segment: in-store
                start: 76
                target: 80
    """,
    "platform": """
        objectives:
          - id: reliable-checkout
            title: Checkout is fast and never falls over at peak
            aligns_to:
              - ecommerce/smooth-checkout
              - cx-leadership/effortless-service
            key_results:
              # Milestone: 0 until it is done, then 1.
              - id: payments-cutover
                title: All card payments on the new payment provider before peak season
                type: done
              - id: checkout-lcp
                title: Cut checkout LCP from 2.8 s to 2.3 s
                metric: lcp-checkout
                start: 2.8
                target: 2.3
    """,
    "fulfilment": """
        objectives:
          - id: next-day-everywhere
            title: Every online order leaves the warehouse the next day
            aligns_to: ${up}company/next-day-shipping
            key_results:
              - id: next-day-rate
                title: Ship 95% of online orders next day, up from 86%
                metric: next-day-shipping
                start: 86
                target: 95
                weight: 2
              - id: pick-waves
                title: Run 6 pick waves a day instead of 3
                unit: count
                start: 3
                target: 6
    """,
}
