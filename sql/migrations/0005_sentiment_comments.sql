-- Say exactly what the sentiment columns hold (metadata only, no data is rewritten).

ALTER TABLE messages
    COMMENT COLUMN sentiment_score 'Sentiment of the redacted text in [-1, 1]: P(pos) - P(neg) from the trained model of sentiment/ (lexicon and rules as features).',
    COMMENT COLUMN sentiment_label 'neg | neu | pos: the most probable class. A neg or pos label always has a score of that sign, but possibly a weak one; neu can come with a score up to about 0.5 either way.';

ALTER TABLE ticket_events
    COMMENT COLUMN sentiment_score 'Sentiment of the redacted text in [-1, 1]: P(pos) - P(neg) from the trained model of sentiment/; 0 when there is no text.',
    COMMENT COLUMN sentiment_label 'neg | neu | pos: the most probable class (a neg or pos label has a score of that sign, possibly weak); empty when there is no text.';

ALTER TABLE survey_events
    COMMENT COLUMN sentiment_score 'Sentiment of the redacted comment in [-1, 1]: P(pos) - P(neg) from the trained model of sentiment/; 0 without comment.',
    COMMENT COLUMN sentiment_label 'neg | neu | pos: the most probable class (a neg or pos label has a score of that sign, possibly weak); empty without comment.';

ALTER TABLE suggestion_events
    COMMENT COLUMN sentiment_score 'Sentiment of the redacted text in [-1, 1]: P(pos) - P(neg) from the trained model of sentiment/; 0 without text.',
    COMMENT COLUMN sentiment_label 'neg | neu | pos: the most probable class (a neg or pos label has a score of that sign, possibly weak); empty without text.';
