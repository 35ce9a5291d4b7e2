"""NLU artefacts generated from the records: jieba dictionary, spaCy gazetteer, synonyms, lookups."""
