"""A camera that shows a QR code, for browser tests of the door check-in.

Chromium plays a file given as --use-file-for-fake-video-capture as its
camera, so a test can hold a participant's check-in code up to the page
without a phone or a printed badge. Y4M is the one format it reads that needs
no encoder: the frames are raw grey levels, written here with segno alone.
"""

import segno

QUIET_ZONE = 4  # modules of white around the symbol, as the QR standard asks


def qr_video(text, path, *, width=640, height=480, frames=1):
    """Write a Y4M video of `text` as a QR code, centred on white, to `path`.

    Chromium plays the file in a loop: one frame is a camera held still.
    """
    if width % 2 or height % 2:
        raise ValueError("4:2:0 video needs an even width and height")
    # As participants.services.checkin_qr draws the code, so the same symbol is read.
    qr = segno.make_qr(text, error="h", boost_error=False)
    size = qr.symbol_size(border=0)[0]
    # 60% of the shorter side, in whole pixels a module so that the edges stay sharp.
    scale = max(1, int(min(width, height) * 0.6) // size)
    if (size + 2 * QUIET_ZONE) * scale > min(width, height):
        raise ValueError(f"{text!r} does not fit in {width}x{height} with its quiet zone")
    left, top = (width - size * scale) // 2, (height - size * scale) // 2

    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(qr.matrix):
        line = bytearray(b"\xff" * width)
        for x, dark in enumerate(row):
            if dark:
                start = left + x * scale
                line[start : start + scale] = b"\x00" * scale
        for dy in range(scale):
            offset = (top + y * scale + dy) * width
            luma[offset : offset + width] = line
    chroma = b"\x80" * (width // 2 * height // 2 * 2)  # U and V at 128: no colour
    frame = b"FRAME\n" + luma + chroma

    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(frame)
    return path
