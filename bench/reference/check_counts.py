"""Checks llama2.model against this tool's counter: every line of a sequences file (written by
`search ... --sequences-out FILE.jsonl`) must have `tokens` equal to the model's count of
`<s>` + text + `</s>`. Usage: python3 check_counts.py FILE.jsonl"""
import json
import os
import sys

import sentencepiece

here = os.path.dirname(os.path.abspath(__file__))
sp = sentencepiece.SentencePieceProcessor(model_file=os.path.join(here, "llama2.model"))
lines = differ = 0
with open(sys.argv[1]) as f:
    for n, line in enumerate(f, 1):
        seq = json.loads(line)
        lines += 1
        if len(sp.encode(seq["text"])) + 2 != seq["tokens"]:
            differ += 1
            if differ <= 3:
                print(f"{sys.argv[1]}:{n}: {seq['tokens']} tokens here, {len(sp.encode(seq['text'])) + 2} by the model")
print(f"{lines} sequences, {differ} counted differently")
sys.exit(1 if differ else 0)
