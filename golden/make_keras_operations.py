"""Records the calling convention of Keras 3's operation classes, for writing `.keras` files Keras can read.

Run with the peers' Python (Keras installed):
    /work/peers/bin/python golden/make_keras_operations.py
Writes gradfit/keras/saving/keras_operations.json: for each operation class of keras.src.ops (`Add`,
`Mean`, `Transpose`, ...), its module, the parameters its constructor takes (written to the node's
config) and those its call takes (written as the node's arguments), and whether the config carries a name.
A Functional model's `keras.ops` node is saved in this form when its arguments fit it.
"""
import importlib
import inspect
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
from keras.src.ops.operation import Operation  # noqa: E402

MODULES = ["keras.src.ops.numpy", "keras.src.ops.nn", "keras.src.ops.math", "keras.src.ops.core",
           "keras.src.ops.linalg", "keras.src.ops.image"]
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "gradfit", "keras", "saving",
                   "keras_operations.json")


def parameters(fn):
    named, variadic = [], False
    for p in list(inspect.signature(fn).parameters.values())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            variadic = variadic or p.kind == p.VAR_KEYWORD
            continue
        named.append(p.name)
    return named, variadic


def main():
    table = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for class_name, cls in sorted(vars(module).items()):
            if not (inspect.isclass(cls) and issubclass(cls, Operation) and cls.__module__ == module_name):
                continue
            init, init_kwargs = parameters(cls.__init__)
            call, _ = parameters(cls.call)
            if class_name in table:  # the first module keeps the name, as keras.ops resolves it
                continue
            table[class_name] = {"module": module_name, "init": [p for p in init if p != "name"],
                                 "call": call, "named": "name" in init or init_kwargs}
    with open(OUT, "w") as f:
        json.dump(table, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"{len(table)} operations -> {OUT}")


if __name__ == "__main__":
    main()
