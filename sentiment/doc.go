// Package sentiment is voc's text analytics for customer-service texts in
// Simplified Chinese, English and mixes of both: normalisation, PII
// redaction, language detection, sentiment (score in [-1, 1] and a
// neg/neu/pos label), keywords and issue topics.
//
// Analyzer.Analyze runs all of it on one text; the pipeline uses it as its
// Enricher, so texts reach ClickHouse redacted and enriched. New loads the
// dictionaries and the model once per process; an Analyzer is safe for
// concurrent use. The contact-level summary (first, last and lowest customer
// score, shift from first to last) is computed in ClickHouse, in the contacts
// view, from the message scores this package writes.
//
// Pieces, in the order Analyze runs them:
//   - Redact: mainland mobile and landline numbers, 18-digit ID numbers
//     (GB 11643 checksum and birth date), bank-card numbers (Luhn), e-mail
//     addresses and street or compound addresses become [PHONE], [ID],
//     [CARD], [EMAIL], [ADDRESS]; numbers after 订单/单号/order/序列号 are
//     kept, as are model names (E8N 65), dates, prices and 400 hotlines.
//   - Normalize: full-width to half-width, lower case, runs of one
//     punctuation mark collapsed, emoji kept (they are sentiment signals).
//   - DetectLang: zh, en or mixed, from Han characters against Latin words.
//   - Sentiment: a linear model (package linear: multinomial logistic
//     regression) over hashed character and word n-grams (1-3) plus dense
//     features carrying the lexicon and rule score (lexicon/: polarity words
//     and customer-service phrases such as 等了半天, 没人理, 又坏了, 师傅专业;
//     negation 不/没/别/not/never, degree words 太/非常/有点/very, contrast
//     虽然…但是/but where the later clause dominates, rhetorical questions,
//     emoji). The model learns how far to trust the rules. The score is
//     P(pos) - P(neg), the label the most probable class. ScorerLexicon
//     gives the rules alone, for comparison.
//   - Keywords: gse segmentation (gse's embedded zh_s dictionary plus the
//     project dictionary dict/domain.txt, shortest-path mode without HMM),
//     stop words removed, ranked by TF-IDF with gse's IDF table.
//   - Topics: taxonomy.yaml, issue topics (kebab-case ids, zh and en names)
//     with zh/en keywords and regexp patterns; a text can have several.
//
// # The model
//
// model/weights.bin is embedded in the binary and written by
// `voc sentiment train`. `make model` produces it from the repository root:
// it regenerates data/train_cs_composed.tsv (go run ./sentiment/data/compose)
// and runs `voc sentiment train --holdout 10` with the evaluation sets
// excluded on the files and weights listed in the Makefile's SENT_TRAIN
// (the one list; the figures are in docs/benchmarks.md).
//
// FILE:WEIGHT weighs a file's lines: customer-service lines count more than
// reviews and Reddit comments. Training is deterministic (seeded shuffle,
// AdaGrad in float64), so the command reproduces the committed file on the
// same architecture. An organisation can train on its own labelled surveys
// (any label<TAB>text file, labels pos/neu/neg) and evaluate the result with
// `voc sentiment eval --model FILE` before rebuilding voc.
//
// --holdout 10 leaves out of training every line whose normalised text
// hashes below 10 (modulo 100), in every file; `voc sentiment eval
// --heldout 10` scores exactly those lines. The evaluation sets in
// testdata/ are authored separately and never trained on (--exclude drops
// any training line with the same text; TestEvalSetsNotTrainedOn checks the
// files). TestEvalTargets asserts the accuracy targets on them.
//
// Training data and licences: data/NOTICE.md.
package sentiment
