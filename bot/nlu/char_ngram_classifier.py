"""A small text classifier over character n-grams (TF-IDF + logistic regression).

Chinese has no spaces and workers write loosely, so character 1–3-grams are the features; the
model trains in about a second on a few thousand examples, deterministically (liblinear with a
fixed seed), so nothing binary is stored: a user refits it from its examples. Used by the crisis
layer's learned reader (bot/nlu/crisis/learned.py), the FAQ sub-question chooser
(bot/faq/chooser.py) and the second intent reader (bot/nlu/intent_ensemble.py)."""
from __future__ import annotations

from typing import Callable, Dict, Sequence


class CharNgramClassifier:
    def __init__(self, texts: Sequence[str], labels: Sequence, prepare: Callable[[str], str],
                 balanced: bool = False):
        # Imported here: scikit-learn is heavy and only needed once a model is first trained.
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._prepare = prepare
        self._vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        features = self._vectorizer.fit_transform([prepare(t) for t in texts])
        # `balanced`: when one class is rare (a few hundred crises against thousands of messages).
        self._model = LogisticRegression(C=10.0, solver="liblinear", max_iter=1000,
                                         class_weight="balanced" if balanced else None, random_state=0)
        self._model.fit(features, list(labels))

    def probabilities(self, text: str) -> Dict:
        row = self._model.predict_proba(self._vectorizer.transform([self._prepare(text)]))[0]
        return dict(zip(self._model.classes_, (float(p) for p in row)))
