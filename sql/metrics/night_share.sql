-- name: night_share
-- title: Night and holiday contacts
-- definition: Share of contacts that started at night (from night_start to night_end o'clock in the
--   query zone) or on a holiday (the dates in holidays, in the query zone), when human coverage is
--   about 30 % (DOMAIN.md).
-- unit: ratio
-- direction: none
-- grain: contact
-- time: started_at
-- dimensions: day, week, hour_of_week, channel, product_model, service_category, topic, team, agent, customer_tag
-- param: night_start UInt8 = 22: first hour of the night
-- param: night_end UInt8 = 8: first hour after the night
-- param: holidays Array(Date) = []: holiday dates, e.g. ['2026-10-01','2026-10-02']
SELECT {{dims}}
    countIf(toHour(c.started_at, {tz:String}) >= {night_start:UInt8} OR toHour(c.started_at, {tz:String}) < {night_end:UInt8}
            OR has({holidays:Array(Date)}, toDate(c.started_at, {tz:String}))) / count() AS night_share
FROM contacts AS c
{{joins}}
WHERE c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}{{filters}}
{{group_by}}
