"""Lo que Keras tiene y course_lib no: un error en español que lo dice y propone qué usar.

Un programa de Keras que pide un nombre que este motor no tiene (``keras.layers.Conv3D``,
``keras.datasets``, ``model.train_step``…) no recibe un ``AttributeError`` en inglés, sino un
:class:`MissingKerasFeature` (que también es ``AttributeError``, así que ``hasattr`` sigue
funcionando) que dice:

- si el nombre **existe en Keras** (según ``keras_api.py``, la lista de nombres públicos de Keras 3):
  que course_lib no lo tiene y qué usar en su lugar. Nunca sugiere un nombre «parecido» en este
  caso: 'mae' no es una errata de 'mse';
- si **no existe** ni en Keras ni aquí: que es probablemente una errata, con el nombre más parecido
  de los que sí hay.

``install(módulo, "layers")`` pone ese ``__getattr__`` (PEP 562) en un módulo de course_lib.nn; lo
hace ``__init__.py`` para cada espacio de nombres que imita a Keras.
"""

import difflib
import types

import numpy as np

from .keras_api import KERAS_API
from .validation import CourseError, is_keras_identifier  # noqa: F401 (se usa desde fuera)


class MissingKerasFeature(CourseError, AttributeError):
    """Un nombre de la API de Keras que course_lib no tiene (o una errata), explicado en español."""


#: Consejos para nombres concretos («módulo.Nombre»), o para un módulo entero («módulo»).
ADVICE = {
    # módulos enteros
    "datasets": "course_lib no descarga conjuntos de datos: usa course_lib.data (load_mnist() da 10 000 dígitos "
                "MNIST de 28×28, load_penguins(), load_digits_images()…) o los de scikit-learn "
                "(sklearn.datasets), que vienen instalados.",
    "applications": "course_lib no trae redes preentrenadas (ResNet50, VGG16, MobileNet…): sus pesos se descargan "
                    "y ocupan decenas de megas. Para transferir lo aprendido, entrena una base pequeña, congélala "
                    "con base.trainable = False y añade encima una cabeza nueva.",
    "mixed_precision": "course_lib calcula en float32 o en float64 (keras.config.set_floatx), sin precisión mixta.",
    "distribution": "course_lib entrena en un solo proceso de CPU; no reparte el trabajo entre dispositivos.",
    "export": "course_lib guarda los modelos con model.save(ruta) y los carga con keras.models.load_model(ruta).",
    "quantizers": "course_lib no cuantiza modelos: calcula en float32 o float64.",
    "dtype_policies": "course_lib usa un solo tipo para todo: keras.config.set_floatx('float32' o 'float64').",
    "constraints": "course_lib no tiene restricciones de pesos (kernel_constraint); si las necesitas, recorta los "
                   "pesos en un callback: w = np.clip(w, -c, c) con get_weights y set_weights.",
    "tree": "course_lib trabaja con listas, tuplas y diccionarios de arrays de NumPy normales.",
    "wrappers": "para usar un modelo con scikit-learn, envuélvelo a mano en una clase con fit y predict.",
    "legacy": "course_lib sigue la API de Keras 3; las formas antiguas no están.",
    "distillation": "course_lib no tiene destilación de modelos.",
    "visualization": "para ver el modelo usa model.summary() o keras.utils.plot_model(model).",
    "device": "course_lib calcula siempre en la CPU con NumPy.",
    "remat": "course_lib no recalcula activaciones para ahorrar memoria.",
    # capas
    "layers.Lambda": "escribe una subclase de keras.layers.Layer cuyo call haga la operación con capas, con + - * "
                     "entre tensores o con keras.ops.",
    "layers.Conv3D": "course_lib tiene convoluciones 1-D (Conv1D) y 2-D (Conv2D), no 3-D.",
    "layers.Attention": "usa MultiHeadAttention(num_heads=1, key_dim=d), que incluye las proyecciones.",
    "layers.AdditiveAttention": "usa MultiHeadAttention (atención con producto escalar).",
    "layers.TextVectorization": "convierte el texto en enteros con un diccionario de Python (palabra → índice) y "
                                "rellena con keras.utils.pad_sequences.",
    "layers.StringLookup": "convierte las cadenas en enteros con un diccionario de Python antes de fit.",
    "layers.Masking": "course_lib no propaga máscaras: rellena las secuencias con keras.utils.pad_sequences y deja "
                      "que la red aprenda a ignorar el relleno, o usa secuencias de la misma longitud.",
    "layers.SimpleRNNCell": "usa la capa entera: SimpleRNN, LSTM o GRU con return_sequences/return_state.",
    "layers.RNN": "usa SimpleRNN, LSTM o GRU.",
    "layers.GroupNormalization": "usa LayerNormalization o BatchNormalization.",
    "callbacks.TensorBoard": "usa el History que devuelve fit (history.history) y dibuja las curvas con matplotlib.",
    "callbacks.BackupAndRestore": "usa ModelCheckpoint y, para seguir, keras.models.load_model y fit(initial_epoch=…).",
    "callbacks.ProgbarLogger": "fit(verbose=1) ya escribe una línea por época.",
    "callbacks.RemoteMonitor": "escribe un Callback propio con on_epoch_end(self, epoch, logs).",
    # utilidades
    "utils.get_file": "course_lib no descarga archivos: los datos del curso están en data/ (course_lib.data).",
    "utils.image_dataset_from_directory": "carga las imágenes en un array de NumPy (con PIL) y pásalo a fit.",
    "utils.text_dataset_from_directory": "lee los textos con Python, conviértelos en enteros y pásalos a fit.",
    "utils.timeseries_dataset_from_array": "construye las ventanas con NumPy (np.lib.stride_tricks."
                                           "sliding_window_view) y pásalas a fit como arrays.",
    "utils.Sequence": "fit recibe arrays de NumPy (o listas y diccionarios de arrays), no generadores.",
    "utils.PyDataset": "fit recibe arrays de NumPy (o listas y diccionarios de arrays), no conjuntos de datos.",
    "utils.split_dataset": "divide los arrays con course_lib.data.train_val_test_split o con "
                           "sklearn.model_selection.train_test_split.",
    "utils.load_img": "carga la imagen con PIL (Image.open) y conviértela con np.asarray.",
    "utils.img_to_array": "usa np.asarray(imagen, dtype='float32').",
    "utils.register_keras_serializable": "no hace falta: pasa tu clase en load_model(ruta, custom_objects={…}).",
    "saving.register_keras_serializable": "no hace falta: pasa tu clase en load_model(ruta, custom_objects={…}).",
    # modelo
    "Model.train_step": "course_lib no deja cambiar el paso de entrenamiento de fit. Escribe tu propio bucle: "
                        "y = model(x, training=True); g = loss.gradient(y_true, y); model.backward(g); "
                        "optimizer.step(model.trainable_layers) (el capítulo 05 lo hace paso a paso).",
    "Model.test_step": "usa model.evaluate, o calcula la pérdida con loss(y_true, model.predict(x)).",
    "Model.compute_loss": "la pérdida es la de compile: model.loss(y_true, y_pred).",
    "Model.fit_generator": "usa fit (en Keras 3 tampoco existe fit_generator).",
    "Model.predict_generator": "usa predict.",
    "Model.evaluate_generator": "usa evaluate.",
    "Model.add_loss": "course_lib no admite pérdidas añadidas desde dentro del modelo; súmalas a la pérdida con una "
                      "salida más del modelo y loss_weights.",
    "Model.add_metric": "calcula la métrica en un Callback propio (on_epoch_end).",
    "Model.export": "usa model.save(ruta).",
    "Model.quantize": "course_lib no cuantiza modelos.",
    "Layer.add_loss": "course_lib no admite pérdidas añadidas desde una capa; usa kernel_regularizer=… o una salida "
                      "más del modelo con loss_weights.",
}

#: Lo que se dice de un nombre de Keras de ese módulo sin consejo propio.
MODULE_ADVICE = {
    "": "Los espacios de nombres que tiene: {available}.",
    "layers": "Las capas que tiene: {available}. Una capa que falte se puede escribir como subclase de "
              "keras.layers.Layer cuyo call combine las que sí hay.",
    "ops": "Sobre arrays puedes usar NumPy directamente{numpy}. Las de keras.ops que tiene: {available}.",
    "callbacks": "Los que tiene: {available}. Puedes escribirlo como subclase de keras.callbacks.Callback "
                 "(on_epoch_end(self, epoch, logs), on_train_batch_end(self, batch, logs)…).",
    "losses": "Las pérdidas que tiene: {available}.",
    "metrics": "Las métricas que tiene: {available}. Otra métrica se puede calcular en un Callback propio.",
    "optimizers": "Los optimizadores que tiene: {available}.",
    "optimizers.schedules": "Los programas de la tasa que tiene: {available}. Puedes escribir el tuyo como subclase "
                            "de LearningRateSchedule con __call__(self, step).",
    "activations": "Las activaciones que tiene: {available}.",
    "initializers": "Los inicializadores que tiene: {available}.",
    "regularizers": "Los regularizadores que tiene: {available}.",
    "utils": "Las utilidades que tiene: {available}.",
    "models": "Lo que tiene: {available}.",
    "backend": "Lo que tiene: {available}.",
    "config": "Lo que tiene: {available}.",
    "random": "Lo que tiene: {available}; con arrays, usa np.random.default_rng(semilla).",
    "saving": "Lo que tiene: {available}.",
    "preprocessing": "Lo que tiene: {available}.",
    "preprocessing.sequence": "Lo que tiene: {available}.",
    "Model": "Lo que sí tiene un modelo: compile, fit, evaluate, predict, train_on_batch, test_on_batch, summary, "
             "save, get_weights, set_weights, get_layer, layers, weights…",
    "Layer": "Lo que sí tiene la capa lo lista dir(capa); sus pesos están en capa.params (y sus gradientes en "
             "capa.grads).",
}


def keras_has(module_path, name):
    """¿Es ``name`` un nombre público de ``keras.<module_path>`` (o un atributo de Model/Layer)?"""
    if module_path == "Model":
        return name in KERAS_API["model_attributes"]
    if module_path == "Layer":
        return name in KERAS_API["layer_attributes"]
    return name in KERAS_API["modules"].get(module_path, ())


def suggest(name, options):
    """El nombre de ``options`` más parecido a ``name`` sin distinguir mayúsculas (o None)."""
    lowered = {str(o).lower(): str(o) for o in options}
    match = difflib.get_close_matches(str(name).lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def _public(namespace):
    """Los nombres públicos, sin los privados ni las tablas (LAYER_CLASSES…)."""
    return sorted(n for n in namespace if not n.startswith("_") and n[0].isalpha() and not n.endswith("_CLASSES"))


def _sentence(text):
    """El consejo como frase: con mayúscula inicial (salvo un nombre de código, como course_lib)."""
    return text if text.startswith("course_lib") else text[:1].upper() + text[1:]


def _label(module_path, name):
    return f"keras.{module_path}.{name}" if module_path else f"keras.{name}"


def missing_name_error(module_path, name, available):
    """El error para ``keras.<module_path>.<name>`` cuando course_lib no lo tiene.

    ``available`` son los nombres que sí hay en ese módulo de course_lib (para la lista y para sugerir).
    """
    available = _public(available)
    label = _label(module_path, name)
    here = "course_lib.nn" + (f".{module_path}" if module_path else "")
    if keras_has(module_path, name) or f"{module_path}.{name}" in ADVICE or (not module_path and name in ADVICE):
        advice = ADVICE.get(f"{module_path}.{name}") or (ADVICE.get(name) if not module_path else None)
        if advice is None:
            numpy_hint = f" (np.{name})" if module_path == "ops" and hasattr(np, name) else ""
            advice = MODULE_ADVICE.get(module_path, "Lo que tiene: {available}.").format(
                available=", ".join(available), numpy=numpy_hint)
        return MissingKerasFeature(f"{label} es parte de Keras, pero course_lib no lo tiene. {_sentence(advice)}".strip())
    suggestion = suggest(name, available)
    hint = f" ¿Quisiste decir {suggestion!r}?" if suggestion else ""
    return MissingKerasFeature(
        f"{here} no tiene {name!r}, y Keras tampoco tiene {label}: ¿es una errata?{hint} "
        f"Lo que hay: {', '.join(available)}."
    )


#: Módulos del motor cuyo contenido es sobre todo interno: lo que ofrecen con nombre de Keras.
OFFERED = {"saving": ["load_model", "save_model"]}


def offered(module, module_path):
    """Los nombres que un módulo de course_lib ofrece como Keras (para listarlos y sugerir)."""
    if module_path in OFFERED:
        return OFFERED[module_path]
    if not module_path:  # el nivel superior: sus espacios de nombres de Keras
        return [n for n, v in vars(module).items()
                if isinstance(v, types.ModuleType) and n in KERAS_API["modules"][""]]
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [n for n, v in vars(module).items()
            if callable(v) and getattr(v, "__module__", None) == module.__name__]


def install(module, module_path):
    """Pone en ``module`` un ``__getattr__`` que responde a los nombres que faltan con :func:`missing_name_error`."""

    def __getattr__(name):
        if name.startswith("_"):  # nombres internos de Python (__path__, _repr_html_…): error normal
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
        raise missing_name_error(module_path, name, offered(module, module_path))

    module.__getattr__ = __getattr__
    return module


def keras_attribute_error(obj, name):
    """Para ``__getattr__`` de Layer y Model: si ``name`` es un atributo de las capas o los modelos de Keras
    (o uno de Keras 2 que tiene consejo), el error que dice que course_lib no lo tiene y qué usar; si no, None
    (entonces es una errata, y la capa da su propio error con el nombre más parecido)."""
    kind = "Model" if hasattr(type(obj), "fit") else "Layer"
    if not (keras_has(kind, name) or f"{kind}.{name}" in ADVICE):
        return None
    who = f"{type(obj).__name__} ('{getattr(obj, 'name', '?')}')"
    advice = ADVICE.get(f"{kind}.{name}") or MODULE_ADVICE[kind]
    what = (f"{name!r} es un atributo de los modelos y capas de Keras que course_lib no tiene." if keras_has(kind, name)
            else f"{name!r} no existe en course_lib.")
    return MissingKerasFeature(f"{who}: {what} {_sentence(advice)}".strip())
