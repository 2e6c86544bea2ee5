"""The vocabulary the generated catalog is made of: a small Latin-American store.

Kept apart from the generator so the generator reads as rules, not as word lists.
"""

from __future__ import annotations

# department id → name
DEPARTMENTS: dict[int, str] = {
    1: "Tecnología",
    2: "Hogar",
    3: "Moda",
    4: "Deportes",
    5: "Importados",
}

# leaf id → (department id, name, required product specifications, product nouns,
#            variation specification, variation values, brand names)
LEAVES: dict[
    int, tuple[int, str, tuple[str, ...], tuple[str, ...], str, tuple[str, ...], tuple[str, ...]]
] = {
    11: (
        1,
        "Celulares",
        ("Color", "Memoria interna"),
        ("Smartphone", "Celular"),
        "Capacidad",
        ("64 GB", "128 GB", "256 GB"),
        ("Samsung", "Xiaomi", "Motorola"),
    ),
    12: (
        1,
        "Audífonos",
        ("Color", "Conectividad"),
        ("Audífonos", "Audífonos in-ear"),
        "Color",
        ("Negro", "Blanco", "Azul"),
        ("Sony", "JBL", "Xiaomi"),
    ),
    13: (
        1,
        "Televisores",
        ("Tamaño de pantalla", "Resolución"),
        ("Smart TV", "Televisor LED"),
        "Tamaño",
        ('43"', '50"', '55"'),
        ("LG", "Samsung", "Sony"),
    ),
    21: (
        2,
        "Cocina",
        ("Material", "Capacidad"),
        ("Olla", "Sartén", "Licuadora"),
        "Color",
        ("Rojo", "Negro", "Acero"),
        ("Oster", "Tramontina", "Imusa"),
    ),
    22: (
        2,
        "Muebles",
        ("Material", "Color"),
        ("Silla", "Mesa lateral", "Repisa"),
        "Color",
        ("Nogal", "Blanco", "Gris"),
        ("Mica", "Casaideas", "Tramontina"),
    ),
    31: (
        3,
        "Calzado",
        ("Color", "Material"),
        ("Zapatilla urbana", "Zapatilla running"),
        "Talla",
        ("38", "39", "40", "41", "42", "43"),
        ("Nike", "Adidas", "Puma"),
    ),
    32: (
        3,
        "Poleras",
        ("Color", "Material"),
        ("Polera", "Camiseta deportiva"),
        "Talla",
        ("S", "M", "L", "XL"),
        ("Nike", "Adidas", "Lacoste"),
    ),
    41: (
        4,
        "Bicicletas",
        ("Aro", "Material"),
        ("Bicicleta MTB", "Bicicleta urbana"),
        "Talla",
        ("S", "M", "L"),
        ("Trek", "Oxford", "Specialized"),
    ),
    42: (
        4,
        "Fitness",
        ("Material", "Peso máximo"),
        ("Mancuerna", "Banca de ejercicio"),
        "Peso",
        ("2 kg", "5 kg", "10 kg"),
        ("Everlast", "Bodytrainer", "Adidas"),
    ),
    51: (
        5,
        "Sin clasificar",
        (),
        ("Artículo importado", "Producto variado"),
        "Modelo",
        ("A", "B"),
        ("Genérica",),
    ),
}

# category a marketplace mapping would never cover (the "unmapped category" fault)
UNMAPPED_LEAF = 51
UNMAPPED_DEPARTMENT = 5

SPEC_VALUES: dict[str, tuple[str, ...]] = {
    "Color": ("Negro", "Blanco", "Azul", "Rojo", "Gris"),
    "Memoria interna": ("64 GB", "128 GB", "256 GB"),
    "Conectividad": ("Bluetooth", "Cable 3,5 mm", "USB-C"),
    "Tamaño de pantalla": ('43"', '50"', '55"', '65"'),
    "Resolución": ("Full HD", "4K UHD"),
    "Material": ("Acero inoxidable", "Aluminio", "Madera", "Algodón", "Cuero sintético"),
    "Capacidad": ("1 L", "2 L", "5 L"),
    "Aro": ("26", "27,5", "29"),
    "Peso máximo": ("100 kg", "150 kg"),
}

ADJECTIVES = ("Pro", "Plus", "Lite", "Max", "Classic", "Eco", "Sport", "Urban", "Prime")

DESCRIPTION = (
    "{name}. Producto original con garantía del fabricante. Ideal para el uso diario, "
    "fabricado con materiales de calidad y despachado desde nuestra bodega."
)
