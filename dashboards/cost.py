"""Cost: where the money goes, how fast, and whether this hour is out of line with yesterday."""

from generator import panels as P

from ..settings import COST, COST_SPIKE_FACTOR, SLO
from ._common import FEATURE_IS, TAGS, N, feature_variable, links_from, needs

SEL = FEATURE_IS
RATE = "[$__rate_interval]"

dashboard = P.dashboard(
    uid=COST,
    title="AI Service / Cost",
    description="LLM spend by model, feature and tier; burn rate, projection and comparison with yesterday.",
    tags=TAGS,
    links=links_from(COST) + [P.link("SLOs", SLO)],
    variables=[feature_variable()],
    time_from="now-24h",
    rows=[
        P.row(
            "Spend",
            P.stat("Cost today", "Provider cost since midnight (browser time) of the selected features.",
                   "currencyUSD", P.target(f"sum(increase({N.series('cost', SEL)}[$__range]))", instant=True),
                   graph=False, decimals=2, time_from="now/d"),
            P.stat("Hourly burn", "Cost of the last hour, every feature (the series CostSpike evaluates).",
                   "currencyUSD", "sum(job:ai_cost_dollars:increase1h)", decimals=2),
            P.stat("Projected daily cost", "The last hour's cost times 24, every feature.", "currencyUSD",
                   "sum(job:ai_cost_dollars:increase1h) * 24", decimals=2),
            P.stat("Cost per request", "Average provider cost of one request over the time range.", "currencyUSD",
                   P.target(f"sum(increase({N.series('cost', SEL)}[$__range]))"
                            f" / sum(increase({N.series('requests', SEL)}[$__range]))", instant=True),
                   graph=False, decimals=4),
        ),
        P.row(
            "Over time",
            P.timeseries("Daily cost by model", "Dollars spent per day, by model.", "currencyUSD",
                         P.target(f"sum by ({N.by('model')}) (increase({N.series('cost', SEL)}[$__interval]))",
                                  N.legend("model")),
                         stack=True, bars=True, interval="1d"),
            P.timeseries("This hour against the same hour yesterday", "Cost of the last hour, the same hour a day "
                         f"earlier, and CostSpike's threshold ({COST_SPIKE_FACTOR}x yesterday), every feature.",
                         "currencyUSD",
                         P.target("sum(job:ai_cost_dollars:increase1h)", "last hour"),
                         P.target(f"sum(increase({N.series('cost')}[1h] offset 1d))", "same hour yesterday"),
                         P.target(f"{COST_SPIKE_FACTOR} * sum(increase({N.series('cost')}[1h] offset 1d))",
                                  "alert threshold")),
            P.timeseries("Hourly burn and projected daily cost", "Cost of the last hour, and that rate kept for "
                         "a day.", "currencyUSD",
                         P.target("sum(job:ai_cost_dollars:increase1h)", "last hour"),
                         P.target("sum(job:ai_cost_dollars:increase1h) * 24", "projected day"), width=24),
        ),
        P.row(
            "Prompt cache",
            needs("cached_tokens", "Prompt-cache share", lambda: P.timeseries(
                "Prompt-cache share", "Share of the input tokens the providers served from their prompt cache, by "
                "model.", "percentunit",
                P.target(f"sum by ({N.by('model')}) ({N.rate('cached_tokens', RATE, SEL)})"
                         f" / sum by ({N.by('model')}) ({N.rate('input_tokens', RATE, SEL)})", N.legend("model")),
                min=0, max=1, width=8)),
            needs("cache_savings", "Saved by the prompt cache", lambda: P.stat(
                "Saved by the prompt cache", "What the cached input tokens would have cost more at the uncached "
                "price, over the time range, selected features.", "currencyUSD",
                P.target(f"sum({N.rate('cache_savings', '[$__range]', SEL, fn='increase')})", instant=True),
                graph=False, decimals=2, width=8)),
            needs("cache_savings", "Saved by the prompt cache per hour by model", lambda: P.timeseries(
                "Saved by the prompt cache per hour by model", "Dollars per hour the prompt cache saves at the "
                "current rate, by model.", "currencyUSD",
                P.target(f"sum by ({N.by('model')}) ({N.rate('cache_savings', RATE, SEL)}) * 3600",
                         N.legend("model")), stack=True, width=8)),
        ),
        P.row(
            "Breakdown",
            P.timeseries("Cost per hour by feature", "Dollars per hour at the current rate, by feature.",
                         "currencyUSD",
                         P.target(f"sum by ({N.by('feature')}) (rate({N.series('cost', SEL)}{RATE})) * 3600",
                                  N.legend("feature")), stack=True, width=8),
            P.timeseries(f"Cost per hour by {N.noun('tier')}", "Dollars per hour at the current rate, by "
                         f"{N.nouns.get('tier', 'customer plan')}.",
                         "currencyUSD",
                         P.target(f"sum by ({N.by('tier')}) (rate({N.series('cost', SEL)}{RATE})) * 3600",
                                  N.legend("tier")),
                         stack=True, width=8),
            P.timeseries("Token usage by feature", "Tokens per second (input and output) by feature.", "short",
                         P.target(f"sum by ({N.by('feature')}) ({N.rate('tokens', RATE, SEL)})",
                                  N.legend("feature")),
                         stack=True, width=8),
            P.timeseries("Cost per request by feature", "Average cost of one request, by feature.", "currencyUSD",
                         P.target(f"sum by ({N.by('feature')}) (rate({N.series('cost', SEL)}{RATE}))"
                                  f" / sum by ({N.by('feature')}) (rate({N.series('requests', SEL)}{RATE}))",
                                  N.legend("feature")),
                         width=24),
        ),
    ],
)
