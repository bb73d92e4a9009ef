#!/usr/bin/python3
"""The Python pipeline ListingLens is compared against (scripts/compare-python.sh):
what a TorchServe image-classifier handler does, run as one process. PIL decodes,
torchvision transforms resize/crop/normalise, the same TorchScript model runs in
batches of 8 on two threads, and one JSON line per photo is written.

usage: torchserve_style.py MODEL.pt PHOTO_LIST > results.jsonl
"""
import json
import sys

import torch
from PIL import Image
from torchvision import transforms


def main():
    model_path, list_path = sys.argv[1], sys.argv[2]
    torch.set_num_threads(2)
    model = torch.jit.load(model_path).eval()
    preprocess = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    with open(list_path) as f:
        paths = [line.strip() for line in f if line.strip()]
    with torch.inference_mode():
        for first in range(0, len(paths), 8):
            chunk = paths[first:first + 8]
            batch = torch.stack([preprocess(Image.open(p).convert("RGB")) for p in chunk])
            logits = model(batch)[0]
            top = torch.softmax(logits, 1).max(1)
            for path, p, index in zip(chunk, top.values.tolist(), top.indices.tolist()):
                print(json.dumps({"file": path, "class": index, "probability": round(p, 6)}))


if __name__ == "__main__":
    main()
