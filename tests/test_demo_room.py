"""La sala de demostraciones (make clase): tiene todas las demostraciones, en el orden del curso,
y crea cada una al elegir su capítulo."""

from course_lib import demos
from course_lib.demos.base import ROOM_MODE, ROOM_WIDTH_PX
from course_lib.demos.room import ROOM, demo_room


def test_the_room_holds_every_demo_in_chapter_order():
    names = [name for _, _, name, _ in ROOM]
    missing = set(demos.DEMO_NAMES) - set(names)
    assert not missing, f"Añade a ROOM (course_lib/demos/room.py) una línea por demostración: faltan {sorted(missing)}"
    assert len(names) == len(set(names))
    chapters = [chapter for chapter, *_ in ROOM]
    assert chapters == sorted(chapters), "la sala sigue el orden de los capítulos"
    assert all(hint.startswith("Prueba") for *_, hint in ROOM)


def test_a_demo_is_created_when_its_chapter_is_chosen():
    room = demo_room()
    first = ROOM[0][2]
    assert list(room.demos) == [first], "solo se crea la demostración de la pestaña abierta"
    index = [name for _, _, name, _ in ROOM].index("scaling")
    room.selector.value = index
    demo = room.demos["scaling"]
    assert demo.failures == [] and demo.image.value
    assert demo.mode == ROOM_MODE and demo.figure.bbox.width == ROOM_WIDTH_PX  # dibujada para el proyector
    assert demo.widget in room.page.children
    assert room.selector.options[index] == ("07 · Escalado de datos", index)
    room.selector.value = 0
    assert room.demos[first].widget in room.page.children and len(room.demos) == 2
