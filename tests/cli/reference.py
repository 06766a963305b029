"""A slow, obviously correct model of relu's documented behaviour, for
checking its output on inputs too large or too random for a table."""
import math
import re

NUMBER = re.compile(
    rb"[+-]?(?:"
    rb"0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    rb"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    rb"|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])\Z")


def value(token):
    """The double a token denotes, or None if it is not a number."""
    if not NUMBER.match(token):
        return None
    text = token.decode()
    body = text.lstrip("+-")
    if body[:2].lower() == "0x":
        x = float.fromhex(body if "p" in body.lower() else body + "p0")
        return -x if text.startswith("-") else x
    return float(text)


def shortest(x):
    """fmt's "{}" for a double: Python's repr without a trailing ".0"."""
    text = repr(x)
    return text[:-2] if text.endswith(".0") else text


def relu_text(token, leaky=False, alpha=0.01):
    """What relu (or relu -l) prints for a field; None for a bad one."""
    x = value(token)
    if x is None:
        return None
    if x > 0 or math.isnan(x):
        return token
    return shortest(alpha * x if leaky else 0.0).encode()


def relu_stream(data, leaky=False):
    """relu --invalid=ignore on blank-separated fields: (output, bad)."""
    out, bad = [], 0
    for record in re.split(rb"(\n)", data):
        if record == b"\n":
            out.append(record)
            continue
        cr = record.endswith(b"\r")
        body = record[:-1] if cr else record
        for piece in re.split(rb"([ \t]+)", body):
            text = None
            if piece and piece[:1] not in (b" ", b"\t"):
                text = relu_text(piece, leaky)
                bad += text is None
            out.append(piece if text is None else text)
        if cr:
            out.append(b"\r")
    return b"".join(out), bad
