// Package generate produces realistic, deterministic voice-of-customer data
// for a consumer-electronics service organisation: chats and calls, tickets,
// surveys and internal suggestion posts, as events of the contract in package
// pipeline (docs/events.md). `voc generate` writes them to Kafka or JSONL;
// metrics, reports, dashboards, demos and benchmarks run on them.
//
// # How it works
//
// Run walks the history hour by hour. Each hour it creates the contacts that
// start in it (fresh ones from the hour-of-week profile, the planted emerging
// issue's, and repeat contacts scheduled by earlier unresolved ones), decides
// each contact's outcome, and writes the events that follow from it: the
// contact's own, its ticket's whole lifecycle, its survey. Events wait in a
// time-ordered queue and are written when the hour they happen in has come,
// so the output is in occurred_at order and memory holds only what is still
// in the future. Events dated after the history are not written (tickets still
// open at the end stay open), except with Options.Follow.
//
// One PCG stream seeded from Config.Seed drives everything that lands in good
// events; malformed injection has its own stream. The same Config therefore
// always gives byte-identical output, whatever the rate or sink.
//
// # What the data reproduces (DOMAIN.md)
//
//   - channels app 58%, phone 32%, wechat/web/community/email 10%; peaks on
//     weekdays 10-12 and 18-21 and weekends 14-17; at night and on holidays
//     human coverage is ~30%: waits are longer and complaints +23%.
//   - waits (contact.queued to the first contact.agent_answered): lognormal,
//     longer at peaks, phone ~12 min and app ~8 min on average; impatient
//     customers abandon, some within 5 s. Bots answer first on app, web and
//     WeChat, solve some chats and hand the rest to humans.
//   - transfers: ~1.5 contact.transferred per contact. Most are hand-overs
//     inside the team (to_team == from_team: second line, skill re-route);
//     about one contact in ten is transferred to another team.
//   - repeat contacts: when a problem is not truly solved, the same customer
//     usually comes back about the same topic within days, often on another
//     channel. By the project's FCR rule (no contact about the same topic on
//     any channel within 7 days, no transfer to another team, no ticket) FCR
//     comes out near 59%, below the agents' optimistic `resolved` flag.
//   - 115 service categories (texts/categories.txt) in 15 topics (Topics,
//     TopicOf), with product-specific frequencies.
//   - tickets with assignment, comments, escalation levels 1-3, resolution,
//     reopening and closure; some miss the 5-day (service) / 3-day
//     (complaint) SLA.
//   - surveys after contacts and tickets, ~30% answered, scores following the
//     outcome, the wait and the transfers.
//   - employee suggestion posts with endorsements, comments and adoption, some
//     about the past week's top topics and the emerging issue.
//   - the emerging issue: from day EmergingFromDay a firmware update breaks
//     the remote of EmergingModel (category remote-after-update), growing by
//     30% a day.
//   - texts from templates and slots in texts/zh.txt and texts/en.txt (~90%
//     Chinese, colloquial, typos and emoji), with fake phone numbers, e-mails,
//     ID numbers (valid checksums) and addresses in ~4% of customer messages.
package generate
