"""Custom NLU pieces for Chinese: text normalisation and the jieba user dictionary."""
