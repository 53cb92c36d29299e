# Stand-in for transformers.AutoTokenizer (not installable here), chosen by REFERENCE_TOKENIZER:
# - "sentencepiece" (the default): the Llama-2 tokenizer as a SentencePiece model rebuilt from
#   llama-tokenizer-js's vocabulary and merges (llama2.model beside this folder, made by
#   llama_model.py); it counts every text as Llama-2 does, so the generator does its real work;
# - "none": a tokenizer that does no work (a list about as long as the text has tokens), the
#   generator's time without tokenizing: a lower bound of the reference's time.
import os

# bench/reference, two folders up from this file.
_MODEL_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class _Counting:
    bos_token = "<s>"
    eos_token = "</s>"

    def __init__(self):
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=os.path.join(_MODEL_DIR, "llama2.model"))

    def encode(self, text):
        # <s> first, as transformers adds it; a leading <s> and trailing </s> in the text as
        # their ids, the text between as Llama-2's pieces (only the count of those was
        # checked against Llama-2: check_counts.py).
        ids = [1]
        if text.startswith("<s>"):
            ids.append(1)
            text = text[3:]
        closed = text.endswith("</s>")
        if closed:
            text = text[:-4]
        ids += self._sp.encode(text)
        if closed:
            ids.append(2)
        return ids


class _NoWork:
    bos_token = "<s>"
    eos_token = "</s>"

    def encode(self, text):
        return [0] * (len(text) * 2 // 5)


class AutoTokenizer:
    @staticmethod
    def from_pretrained(name, *args, **kwargs):
        mode = os.environ.get("REFERENCE_TOKENIZER", "sentencepiece")
        if mode == "none":
            return _NoWork()
        if mode != "sentencepiece":
            raise SystemExit(f"REFERENCE_TOKENIZER must be sentencepiece or none, not {mode!r}")
        return _Counting()
