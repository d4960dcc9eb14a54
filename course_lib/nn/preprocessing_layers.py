"""Capas de preprocesamiento dentro del modelo, como en Keras: ``Rescaling`` (cambiar la escala, p. ej. de
píxeles 0–255 a 0–1) y ``Normalization`` (estandarizar con la media y la varianza de los datos,
calculadas con ``adapt``).

Ponerlas dentro del modelo hace que el modelo guardado lleve su preprocesamiento: quien lo cargue le
pasa los datos crudos, sin tener que acordarse de la media y la desviación con que se entrenó.
"""

import numpy as np

from . import config
from .layer import Layer
from .validation import CourseError, as_float_array, check_number, describe

#: El ε de Keras (``keras.backend.epsilon()``): la desviación típica nunca baja de aquí al dividir.
EPSILON = 1e-7


class Rescaling(Layer):
    """Cambia la escala de las entradas: y = x·scale + offset, como ``keras.layers.Rescaling``.

    ``Rescaling(1/255)`` lleva píxeles de [0, 255] a [0, 1]; ``Rescaling(1/127.5, offset=-1)``, a [−1, 1].
    ``scale`` y ``offset`` pueden ser números o arrays que se difunden sobre el último eje (uno por canal).
    Sin parámetros entrenables; hacia atrás, ∂L/∂x = ∂L/∂y·scale.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = self._constant(scale, "scale")
        self.offset = self._constant(offset, "offset")

    @staticmethod
    def _constant(value, name):
        array = as_float_array(value, f"Rescaling: {name}", dtype=np.float64)
        return float(array) if array.ndim == 0 else array

    def forward(self, x, training=False):
        """x: (N, ...) -> y = x·scale + offset: (N, ...)."""
        x = self._prepare_input(x)
        self._cache = True
        dtype = x.dtype
        return (x * np.asarray(self.scale, dtype=dtype) + np.asarray(self.offset, dtype=dtype)).astype(dtype, copy=False)

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x = ∂L/∂y·scale."""
        grad_y = self._check_backward(grad_y)
        return grad_y * np.asarray(self.scale, dtype=grad_y.dtype)

    def get_config(self):
        def plain(value):
            return value if isinstance(value, float) else np.asarray(value).tolist()
        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}


class Normalization(Layer):
    """Estandariza cada característica: y = (x − μ) / máx(σ, ε), como ``keras.layers.Normalization``.

    μ y σ² son la media y la varianza de los datos de entrenamiento, calculadas con ``capa.adapt(x_train)``
    (o dadas con ``mean=`` y ``variance=``). ``axis`` dice qué ejes tienen su propia μ y σ (contando el lote
    como eje 0): con el valor por defecto, -1, una por característica (o por canal en imágenes NHWC); con
    ``axis=None``, una sola para todo. ``invert=True`` deshace la estandarización: y = μ + x·máx(σ, ε).

    μ y σ² se guardan en ``state`` (``"mean"``, ``"variance"`` y ``"count"``, el número de valores con que se
    calcularon, como los pesos no entrenables de Keras), así que se guardan con el modelo y no se entrenan.
    Hacia atrás, ∂L/∂x = ∂L/∂y / máx(σ, ε).
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
            axis = (int(axis),)
        try:
            self.axis = tuple(int(a) for a in axis)
        except (TypeError, ValueError):
            raise CourseError(
                f"Normalization: axis debe ser un entero, una tupla de enteros o None; se recibió {axis!r}."
            ) from None
        if (mean is None) != (variance is None):
            raise CourseError("Normalization: si das mean tienes que dar también variance (y al revés).")
        self.input_mean = None if mean is None else np.asarray(mean, dtype=np.float64)
        self.input_variance = None if variance is None else np.asarray(variance, dtype=np.float64)
        if self.input_mean is not None and self.input_mean.shape != self.input_variance.shape:
            raise CourseError(
                f"Normalization: mean y variance deben tener la misma forma; se recibió {self.input_mean.shape} y "
                f"{self.input_variance.shape}."
            )
        self.invert = bool(invert)
        self._adapted = self.input_mean is not None

    # ------------------------------------------------------------------ ejes
    def _keep_axes(self, input_shape):
        """Los ejes (contando el lote como 0) que tienen su propia μ y σ."""
        ndim = len(input_shape) + 1
        keep = []
        for a in self.axis:
            full = a + ndim if a < 0 else a
            if not 1 <= full < ndim:
                raise CourseError(
                    f"Normalization ('{self.name}'): axis={self.axis} no es válido para entradas de forma "
                    f"{self._received(input_shape)} (el eje 0 es el lote)."
                )
            keep.append(full)
        return tuple(sorted(keep))

    def _statistics_shape(self, input_shape):
        return tuple(input_shape[a - 1] for a in self._keep_axes(input_shape))

    def _broadcast(self, values, input_shape):
        """μ o σ² con forma para difundirse sobre un ejemplo: 1 en los ejes reducidos."""
        keep = self._keep_axes(input_shape)
        shape = tuple(input_shape[i] if i + 1 in keep else 1 for i in range(len(input_shape)))
        values = np.asarray(values)
        if values.ndim == 0:
            return np.broadcast_to(values, shape)
        return values.reshape(shape)

    def check_input_shape(self, input_shape):
        self._keep_axes(input_shape)
        if self.built and self.state and self._statistics_shape(input_shape) != self.state["mean"].shape:
            raise CourseError(
                f"Normalization ('{self.name}') se preparó para otra forma: su media tiene forma "
                f"{self.state['mean'].shape} y la entrada es {self._received(input_shape)}."
            )

    def create_params(self, input_shape):
        if self.input_mean is None:
            shape = self._statistics_shape(input_shape)
            self.state["mean"] = np.zeros(shape, dtype=config.dtype())
            self.state["variance"] = np.ones(shape, dtype=config.dtype())
            self.state["count"] = np.zeros((), dtype=config.dtype())

    # ------------------------------------------------------------------ adapt
    def adapt(self, data, batch_size=None, steps=None):
        """Calcula μ y σ² de ``data`` (un array (N, ...) o una lista/iterador de lotes) en cada posición de los
        ejes de ``axis``, como ``keras.layers.Normalization.adapt``. Con lotes, las medias y varianzas se
        combinan como si fueran un solo array (algoritmo de Chan et al.)."""
        if self.input_mean is not None:
            raise CourseError(
                f"Normalization ('{self.name}') ya recibió mean y variance al crearla; adapt solo sirve para "
                "calcularlas a partir de los datos."
            )
        batches = [data] if hasattr(data, "shape") or (isinstance(data, list) and data and
                                                      not hasattr(data[0], "shape")) else data
        total_count, total_mean, total_m2 = 0, None, None
        for batch in batches:
            x = as_float_array(batch, f"Normalization ('{self.name}').adapt", dtype=np.float64)
            if x.ndim < 2:
                x = x[:, None]
            if not self.built:
                self.build(x.shape[1:])
            else:
                self.check_input_shape(x.shape[1:])
            keep = self._keep_axes(x.shape[1:])
            reduce = tuple(a for a in range(x.ndim) if a not in keep)
            count = int(np.prod([x.shape[a] for a in reduce]))
            mean, var = x.mean(axis=reduce), x.var(axis=reduce)
            if total_mean is None:
                total_count, total_mean, total_m2 = count, mean, var * count
            else:   # combinar dos grupos: medias ponderadas y la suma de cuadrados con la corrección de la diferencia
                delta = mean - total_mean
                new_count = total_count + count
                total_mean = total_mean + delta * count / new_count
                total_m2 = total_m2 + var * count + delta ** 2 * total_count * count / new_count
                total_count = new_count
        if total_mean is None:
            raise CourseError(f"Normalization ('{self.name}').adapt: no se recibió ningún dato; se recibió {describe(data)}.")
        self.state["mean"] = np.asarray(total_mean, dtype=config.dtype())
        self.state["variance"] = np.asarray(total_m2 / total_count, dtype=config.dtype())
        self.state["count"] = np.asarray(total_count, dtype=config.dtype())
        self._adapted = True

    # ------------------------------------------------------------------ pasadas
    def _statistics(self, input_shape):
        if self.input_mean is not None:
            mean, variance = self.input_mean, self.input_variance
        else:
            mean, variance = self.state["mean"], self.state["variance"]
        return self._broadcast(mean, input_shape), self._broadcast(variance, input_shape)

    def forward(self, x, training=False):
        """x: (N, ...) -> y = (x − μ)/máx(σ, ε) (o μ + x·máx(σ, ε) con invert)."""
        x = self._prepare_input(x)
        mean, variance = self._statistics(x.shape[1:])
        std = np.maximum(np.sqrt(variance), EPSILON).astype(x.dtype)
        mean = mean.astype(x.dtype)
        self._cache = std
        return mean + x * std if self.invert else (x - mean) / std

    def backward(self, grad_y):
        """∂L/∂y -> ∂L/∂x = ∂L/∂y / máx(σ, ε) (o ·máx(σ, ε) con invert)."""
        grad_y = self._check_backward(grad_y)
        std = self._cache
        return grad_y * std if self.invert else grad_y / std

    def get_config(self):
        def plain(value):
            return None if value is None else np.asarray(value).tolist()
        return {**super().get_config(), "axis": list(self.axis) if self.axis else None,
                "mean": plain(self.input_mean), "variance": plain(self.input_variance), "invert": self.invert}
