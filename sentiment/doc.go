// Package sentiment is voc's text analytics for customer-service texts in
// Simplified Chinese, English and mixes of both: normalisation, PII
// redaction, language detection, sentiment (score in [-1, 1] and a
// neg/neu/pos label), keywords and issue topics.
//
// Analyzer.Analyze runs all of it on one text; the pipeline uses it as its
// Enricher, so texts reach ClickHouse redacted and enriched.
//
// Pieces:
//   - Normalize: full-width to half-width, case folding, repeated
//     punctuation collapsed, emoji kept.
//   - Redact: mainland mobile and landline numbers, 18-digit ID numbers
//     (checksum-validated), bank-card numbers (Luhn), e-mail addresses and
//     street addresses become [PHONE], [ID], [CARD], [EMAIL], [ADDRESS];
//     numbers after 订单/单号/order are kept, as are model names, dates and
//     prices.
//   - Sentiment: a lexicon and rules (lexicon/*.tsv, authored by the
//     project): negation, degree words, contrast (虽然…但是, but: the later
//     clause dominates), rhetorical questions, emoji and customer-service
//     phrases (等了半天, 没人理, 又坏了, 师傅专业 ...).
//   - Keywords: TF-IDF over gse segmentation with gse's embedded dictionary
//     and IDF table, plus a domain dictionary.
//   - Topics: taxonomy.yaml, issue topics with zh/en keywords and patterns.
//
// Not done yet (issue 6): the trained linear model and `voc sentiment train`,
// and the held-out evaluation sets with accuracy targets.
package sentiment
