"""Builds llama2.model beside this file: a SentencePiece BPE model of the Llama-2 tokenizer,
from llama-vocab.json (written by llama-vocab.mjs). Needs Debian's python3-sentencepiece and
python3-protobuf. A merged piece scores minus the rank of the first merge that makes it, so
SentencePiece merges in the order the merges list gives; ids 0-2 are <unk>, <s>, </s>, ids
3-258 the byte pieces, and text is read as Llama-2 reads it (a leading space added, spaces
kept, bytes for characters outside the vocabulary)."""
import json
import os

from sentencepiece import sentencepiece_model_pb2 as pb

here = os.path.dirname(os.path.abspath(__file__))
data = json.load(open(os.path.join(here, "llama-vocab.json")))
rank = {}
for r, pair in enumerate(data["merges"]):
    left, right = pair.split(" ")
    rank.setdefault(left + right, r)

model = pb.ModelProto()
Piece = pb.ModelProto.SentencePiece
for i, text in enumerate(data["vocab"]):
    piece = model.pieces.add()
    piece.piece = text
    if i == 0:
        piece.type = Piece.UNKNOWN
    elif i <= 2:
        piece.type = Piece.CONTROL
    elif i <= 258:
        piece.type = Piece.BYTE
    else:
        piece.type = Piece.NORMAL
        piece.score = -float(rank[text]) if text in rank else -1e9
spec = model.trainer_spec
spec.model_type = pb.TrainerSpec.BPE
spec.vocab_size = len(data["vocab"])
spec.byte_fallback = True
spec.unk_id, spec.bos_id, spec.eos_id, spec.pad_id = 0, 1, 2, -1
norm = model.normalizer_spec
norm.name = "identity"
norm.add_dummy_prefix = True
norm.remove_extra_whitespaces = False
norm.escape_whitespaces = True
with open(os.path.join(here, "llama2.model"), "wb") as f:
    f.write(model.SerializeToString())
print(f"{len(data['vocab'])} pieces: {os.path.join(here, 'llama2.model')}")
