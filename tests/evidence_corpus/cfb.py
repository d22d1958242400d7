"""A small writer of compound files (the OLE container of .msg and old Office files), so that Outlook messages
and macro-carrying documents can be made here rather than shipped. Streams are kept in the mini stream, so each
must be under 4,096 bytes; enough for test files."""

import struct

SECTOR = 512
MINI = 64
END, FREE, FAT_SECTOR, NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _order(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams``, keyed by path ("storage/stream"); storages are made as needed."""
    tree: dict = {}
    for path, data in streams.items():
        assert 0 < len(data) < 4096, path
        *storages, name = path.split("/")
        node = tree
        for storage in storages:
            node = node.setdefault(storage, {})
        node[name] = data

    entries: list[dict] = [{"name": "Root Entry", "type": 5, "child": NONE, "right": NONE}]
    mini_stream = bytearray()
    mini_fat: list[int] = []

    def add(node: dict, parent: dict) -> None:
        previous = None
        for name in sorted(node, key=_order):
            entry = {"name": name, "child": NONE, "right": NONE, "start": 0, "size": 0}
            index = len(entries)
            entries.append(entry)
            if previous is None:
                parent["child"] = index
            else:
                previous["right"] = index
            previous = entry
            if isinstance(node[name], dict):
                entry["type"] = 1
                add(node[name], entry)
            else:
                data = node[name]
                entry.update(type=2, start=len(mini_fat), size=len(data))
                count = -(-len(data) // MINI)
                mini_fat.extend([len(mini_fat) + k + 1 for k in range(count - 1)] + [END])
                mini_stream.extend(data.ljust(count * MINI, b"\0"))

    add(tree, entries[0])
    mini_sectors = -(-len(mini_stream) // SECTOR)
    mini_fat_sectors = -(-len(mini_fat) * 4 // SECTOR)
    dir_sectors = -(-len(entries) * 128 // SECTOR)
    used = mini_sectors + mini_fat_sectors + dir_sectors
    fat_sectors = 1
    while used + fat_sectors > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    fat = [FREE] * (fat_sectors * SECTOR // 4)

    def chain(start: int, count: int) -> None:
        for k in range(count):
            fat[start + k] = start + k + 1 if k < count - 1 else END

    chain(0, mini_sectors)
    chain(mini_sectors, mini_fat_sectors)
    dir_start = mini_sectors + mini_fat_sectors
    chain(dir_start, dir_sectors)
    fat_start = dir_start + dir_sectors
    for k in range(fat_sectors):
        fat[fat_start + k] = FAT_SECTOR
    entries[0].update(start=0 if mini_sectors else END, size=len(mini_stream))

    difat = [fat_start + k for k in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIII", 0, fat_sectors, dir_start, 0, 4096)
        + struct.pack("<IIII", mini_sectors if mini_fat else END, mini_fat_sectors, END, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR

    directory = bytearray()
    for entry in entries:
        encoded = (entry["name"] + "\0").encode("utf-16-le")
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), entry["type"], 1)
            + struct.pack("<III", NONE, entry["right"], entry["child"])
            + b"\0" * 16
            + struct.pack("<IQQ", 0, 0, 0)
            + struct.pack("<IQ", entry.get("start", 0), entry.get("size", 0))
        )
    empty = b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NONE, NONE, NONE) + b"\0" * 48
    while len(directory) % SECTOR:
        directory += empty

    body = (
        bytes(mini_stream).ljust(mini_sectors * SECTOR, b"\0")
        + struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(mini_fat_sectors * SECTOR, b"\xff")
        + bytes(directory)
        + struct.pack(f"<{len(fat)}I", *fat)
    )
    return header + body


def _text(value: str) -> bytes:
    return value.encode("utf-16-le")


def outlook_message(
    subject: str = "Training complete",
    body: str = "All staff trained on 16 April.",
    attachments: list[tuple[str, bytes]] | None = None,
    *,
    message_class: str = "IPM.Note",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An Outlook .msg: message class, subject and body as Unicode properties, each attachment in its storage."""
    attachments = attachments or []
    streams = {
        "__properties_version1.0": b"\0" * 8
        + struct.pack("<IIII", 0, len(attachments), 0, len(attachments))
        + b"\0" * 8,
        "__substg1.0_001A001F": _text(message_class),
        "__substg1.0_0037001F": _text(subject),
        "__substg1.0_1000001F": _text(body),
    }
    for number, (name, data) in enumerate(attachments):
        storage = f"__attach_version1.0_#{number:08X}"
        streams[f"{storage}/__properties_version1.0"] = b"\0" * 8
        streams[f"{storage}/__substg1.0_3707001F"] = _text(name)
        streams[f"{storage}/__substg1.0_37010102"] = data
    streams.update(extra or {})
    return compound_file(streams)
