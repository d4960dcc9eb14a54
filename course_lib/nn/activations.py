"""Funciones de activación: a = f(z), su derivada f'(z) y su paso hacia atrás.

Cada activación es un objeto pequeño con tres métodos:

- ``forward(z)``: la función, a = f(z) (también se puede llamar directamente: ``f(z)``);
- ``derivative(z)``: la derivada f'(z) elemento a elemento, para dibujarla en los cuadernos;
- ``backward(grad_a, z, a)``: dado ∂L/∂a devuelve ∂L/∂z (regla de la cadena). Para las
  activaciones elemento a elemento es ∂L/∂a · f'(z); para softmax, que mezcla las K
  componentes, es el producto de la jacobiana por el vector.

Uso en un cuaderno::

    from course_lib.nn import activations
    relu = activations.get("relu")
    relu(z), relu.derivative(z)

``get(nombre)`` acepta los nombres de Keras ("relu", "sigmoid", "softmax"…) y "step" (escalón,
solo para demostraciones). La capa ``Activation(nombre)`` aplica cualquiera de ellas dentro de un
modelo, y ``Dense``/``Conv2D`` las aceptan con ``activation=``.
"""

import numpy as np
from scipy.special import erf

from .layer import Layer
from .validation import CourseError, CourseTypeError, check_number, unknown_name_error


def _as_float(z):
    """Acepta listas, números o arrays de enteros (p. ej. en un cuaderno) y devuelve un array real."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def _sigmoid(z):
    with np.errstate(over="ignore"):  # e^(−z) = inf para z muy negativo da σ = 0, que es correcto
        return 1.0 / (1.0 + np.exp(-z))


class ActivationFunction:
    """Base de las activaciones elemento a elemento: ∂L/∂z = ∂L/∂a · f'(z).

    ``f(z)`` y ``f.derivative(z)`` aceptan listas o números; ``forward`` y ``backward``, que usan
    las capas, esperan arrays de NumPy de números reales.
    """

    name = "activation"
    #: False en las que mezclan las componentes (softmax, log_softmax): su derivada es una jacobiana.
    elementwise = True

    def __call__(self, z):
        return self.forward(_as_float(z))

    def forward(self, z):
        """a = f(z), elemento a elemento (con la misma forma que z)."""
        raise NotImplementedError

    def derivative(self, z):
        """f'(z), elemento a elemento (la jacobiana en softmax y log_softmax)."""
        raise NotImplementedError

    def backward(self, grad_a, z, a):
        """∂L/∂z = ∂L/∂a · f'(z). ``a = f(z)`` se pasa para no recalcularla cuando sirve."""
        return grad_a * self.derivative(z)

    def get_config(self):
        """Argumentos para reconstruir la activación (para guardar modelos)."""
        return {}

    def __repr__(self):
        return f"<activación {self.name}>"


class Linear(ActivationFunction):
    """Lineal (identidad): f(z) = z, f'(z) = 1. Salida de los modelos de regresión."""

    name = "linear"

    def forward(self, z):
        return z

    def derivative(self, z):
        return np.ones_like(_as_float(z))

    def backward(self, grad_a, z, a):
        return grad_a


class Step(ActivationFunction):
    """Escalón (Heaviside): f(z) = 1 si z ≥ 0 y 0 si z < 0 (la del perceptrón).

    Su derivada es 0 en todo punto salvo en z = 0, donde no existe: el gradiente no lleva
    ninguna información, así que una red con escalones no se puede entrenar por descenso de
    gradiente. ``derivative`` devuelve ceros (para dibujarla) y ``backward`` lanza un error.
    """

    name = "step"

    def forward(self, z):
        return (z >= 0).astype(z.dtype)

    def derivative(self, z):
        return np.zeros_like(_as_float(z))

    def backward(self, grad_a, z, a):
        raise CourseError(
            "La activación escalón ('step') no se puede entrenar con descenso de gradiente: su "
            "derivada es 0 en todas partes (y no existe en z = 0), así que el gradiente no indica "
            "hacia dónde mover los pesos. Úsala solo para calcular salidas (forward); para entrenar, "
            "elige una activación derivable como 'sigmoid', 'tanh' o 'relu'."
        )


class Sigmoid(ActivationFunction):
    """Sigmoide (logística): σ(z) = 1 / (1 + e^(−z)), con rango (0, 1); σ'(z) = σ(z)(1 − σ(z)) ≤ 0,25."""

    name = "sigmoid"

    def forward(self, z):
        return _sigmoid(z)

    def derivative(self, z):
        s = _sigmoid(_as_float(z))
        return s * (1.0 - s)

    def backward(self, grad_a, z, a):
        return grad_a * a * (1.0 - a)


class Tanh(ActivationFunction):
    """Tangente hiperbólica: tanh(z), con rango (−1, 1); tanh'(z) = 1 − tanh²(z) ≤ 1."""

    name = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z):
        return 1.0 - np.tanh(_as_float(z)) ** 2

    def backward(self, grad_a, z, a):
        return grad_a * (1.0 - a * a)


class ReLU(ActivationFunction):
    """ReLU (unidad lineal rectificada): f(z) = max(0, z), rango [0, +∞).

    f'(z) = 1 si z > 0 y 0 si z < 0; en z = 0 no es derivable y se toma 0 (como TensorFlow y PyTorch).

    Los argumentos de ``keras.activations.relu`` la generalizan (por defecto no cambian nada):
    f(z) = máx si z ≥ ``max_value``; z si ``threshold`` ≤ z < máx; ``negative_slope``·(z − threshold) si no.
    """

    name = "relu"

    def __init__(self, negative_slope=0.0, max_value=None, threshold=0.0):
        self.negative_slope = check_number(negative_slope, "relu: negative_slope", low=0.0)
        self.max_value = None if max_value is None else check_number(max_value, "relu: max_value", low=0.0)
        self.threshold = check_number(threshold, "relu: threshold", low=0.0)

    def _plain(self):
        return self.negative_slope == 0 and self.max_value is None and self.threshold == 0

    def forward(self, z):
        if self._plain():
            return np.maximum(z, 0)
        y = np.where(z >= self.threshold, z, self.negative_slope * (z - self.threshold))
        return y if self.max_value is None else np.minimum(y, self.max_value).astype(y.dtype, copy=False)

    def derivative(self, z):
        z = _as_float(z)
        if self._plain():
            return (z > 0).astype(z.dtype)
        slope = np.where(z > self.threshold, 1.0, self.negative_slope)
        if self.max_value is not None:
            slope = np.where(z >= self.max_value, 0.0, slope)
        return slope.astype(z.dtype)

    def backward(self, grad_a, z, a):
        if self._plain():
            return grad_a * (z > 0)
        return grad_a * self.derivative(z)

    def get_config(self):
        if self._plain():
            return {}
        return {"negative_slope": self.negative_slope, "max_value": self.max_value, "threshold": self.threshold}


class LeakyReLU(ActivationFunction):
    """Leaky ReLU (ReLU con fuga): f(z) = z si z > 0 y αz si z ≤ 0; f'(z) = 1 o α.

    α = 0,01 por defecto, como en los apuntes del curso. Ojo: Keras usa otro valor por defecto
    (``negative_slope=0.2`` en ``keras.activations.leaky_relu`` y 0,3 en la capa ``LeakyReLU``).
    """

    name = "leaky_relu"

    def __init__(self, alpha=0.01):
        self.alpha = check_number(alpha, "leaky_relu: alpha (pendiente para z < 0)", low=0.0)

    def forward(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def derivative(self, z):
        z = _as_float(z)
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)

    def get_config(self):
        return {"alpha": self.alpha}


class ELU(ActivationFunction):
    """ELU: f(z) = z si z > 0 y α(e^z − 1) si z ≤ 0, rango (−α, +∞); f'(z) = 1 o α·e^z = f(z) + α."""

    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = check_number(alpha, "elu: alpha", low=0.0)

    def forward(self, z):
        # expm1(min(z, 0)) = e^z − 1 sin desbordamiento para z grande (esa rama no se usa).
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def derivative(self, z):
        z = _as_float(z)
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0))).astype(z.dtype)

    def backward(self, grad_a, z, a):
        return grad_a * np.where(z > 0, 1.0, a + self.alpha)

    def get_config(self):
        return {"alpha": self.alpha}


class Swish(ActivationFunction):
    """Swish (SiLU): f(z) = z·σ(z); f'(z) = σ(z) + z·σ(z)(1 − σ(z)).

    Una ReLU suavizada y no monótona, con mínimo ≈ −0,278 en z ≈ −1,278.
    """

    name = "swish"

    def forward(self, z):
        return z * _sigmoid(z)

    def derivative(self, z):
        z = _as_float(z)
        s = _sigmoid(z)
        return s + z * s * (1.0 - s)

    def backward(self, grad_a, z, a):
        s = _sigmoid(z)
        return grad_a * (s + a * (1.0 - s))


class GELU(ActivationFunction):
    """GELU: f(z) = z·Φ(z), con Φ(z) = ½(1 + erf(z/√2)) la función de distribución normal estándar.

    Forma exacta por defecto (``keras.activations.gelu(approximate=False)``). f'(z) = Φ(z) + z·φ(z), con
    φ(z) = e^(−z²/2)/√(2π) la densidad normal. Mínimo ≈ −0,170 en z ≈ −0,752.
    Con ``approximate=True``, la aproximación de GPT-2: f(z) = ½z(1 + tanh(u)), u = √(2/π)(z + 0,044715z³),
    y f'(z) = ½(1 + tanh u) + ½z(1 − tanh² u)·√(2/π)(1 + 3·0,044715z²).
    """

    name = "gelu"
    _C = np.sqrt(2.0 / np.pi)

    def __init__(self, approximate=False):
        self.approximate = bool(approximate)

    @staticmethod
    def _cdf(z):
        return 0.5 * (1.0 + erf(z / np.sqrt(2.0)))

    def forward(self, z):
        if self.approximate:
            return 0.5 * z * (1.0 + np.tanh(self._C * (z + 0.044715 * z ** 3)))
        return z * self._cdf(z)

    def derivative(self, z):
        z = _as_float(z)
        if self.approximate:
            t = np.tanh(self._C * (z + 0.044715 * z ** 3))
            return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * self._C * (1.0 + 3 * 0.044715 * z * z)
        density = np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)
        return self._cdf(z) + z * density

    def get_config(self):
        return {"approximate": True} if self.approximate else {}


class Softmax(ActivationFunction):
    """Softmax sobre el último eje (o sobre ``axis``): a_k = e^(z_k) / Σ_j e^(z_j); las K salidas suman 1.

    Se resta el máximo de cada fila antes de exponenciar (no cambia el resultado y evita
    desbordamientos). Como cada a_k depende de todas las z_j, la derivada es una matriz
    jacobiana ∂a_k/∂z_j = a_k(δ_kj − a_j), y el paso hacia atrás es
    ∂L/∂z = a ⊙ (∂L/∂a − Σ_k ∂L/∂a_k · a_k).
    """

    name = "softmax"
    elementwise = False

    def __init__(self, axis=-1):
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise CourseError(f"softmax: axis debe ser un entero (el eje que suma 1), p. ej. -1; se recibió {axis!r}.")
        self.axis = int(axis)

    def forward(self, z):
        e = np.exp(z - z.max(axis=self.axis, keepdims=True))
        return e / e.sum(axis=self.axis, keepdims=True)

    def derivative(self, z):
        """Jacobiana de forma (..., K, K) (softmax sobre el último eje): J[..., k, j] = a_k(δ_kj − a_j)."""
        a = Softmax()(z)
        return a[..., :, None] * (np.eye(a.shape[-1], dtype=a.dtype) - a[..., None, :])

    def backward(self, grad_a, z, a):
        return a * (grad_a - np.sum(grad_a * a, axis=self.axis, keepdims=True))

    def get_config(self):
        return {} if self.axis == -1 else {"axis": self.axis}


class SELU(ActivationFunction):
    """SELU (ELU escalada): f(z) = λ·z si z > 0 y λ·α(e^z − 1) si z ≤ 0, con α ≈ 1,6733 y λ ≈ 1,0507.

    Con esos dos números (Klambauer et al., 2017) y pesos ``lecun_normal``, media 0 y varianza 1 se
    conservan de capa en capa (red «autonormalizada»). f'(z) = λ si z > 0 y λ·α·e^z = f(z) + λα si z ≤ 0.
    """

    name = "selu"
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946

    def forward(self, z):
        return self.scale * np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def derivative(self, z):
        z = _as_float(z)
        return (self.scale * np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0)))).astype(z.dtype)

    def backward(self, grad_a, z, a):
        return grad_a * np.where(z > 0, self.scale, a + self.scale * self.alpha)


class Softplus(ActivationFunction):
    """Softplus: f(z) = ln(1 + e^z), una ReLU suave con rango (0, +∞); f'(z) = σ(z).

    Se calcula como ``logaddexp(0, z)``, que no se desborda para z grande.
    """

    name = "softplus"

    def forward(self, z):
        return np.logaddexp(0, z).astype(z.dtype, copy=False)

    def derivative(self, z):
        return _sigmoid(_as_float(z))


class Softsign(ActivationFunction):
    """Softsign: f(z) = z / (1 + |z|), con rango (−1, 1) como tanh; f'(z) = 1 / (1 + |z|)²."""

    name = "softsign"

    def forward(self, z):
        return z / (1.0 + np.abs(z))

    def derivative(self, z):
        z = _as_float(z)
        return 1.0 / (1.0 + np.abs(z)) ** 2


class ReLU6(ActivationFunction):
    """ReLU6: f(z) = min(max(z, 0), 6) (MobileNet); f'(z) = 1 si 0 < z < 6 y 0 fuera."""

    name = "relu6"

    def forward(self, z):
        return np.clip(z, 0, 6)

    def derivative(self, z):
        z = _as_float(z)
        return ((z > 0) & (z < 6)).astype(z.dtype)


class HardSigmoid(ActivationFunction):
    """Sigmoide «dura» (la de Keras 3): f(z) = ReLU6(z + 3)/6 = min(max(z/6 + ½, 0), 1);
    f'(z) = 1/6 si −3 < z < 3 y 0 fuera. Una recta en lugar de la curva de σ: más barata."""

    name = "hard_sigmoid"

    def forward(self, z):
        return np.clip(z / 6.0 + 0.5, 0, 1)

    def derivative(self, z):
        z = _as_float(z)
        return np.where((z > -3) & (z < 3), 1.0 / 6.0, 0.0).astype(z.dtype)


class HardSiLU(ActivationFunction):
    """Swish «dura» (*hard swish*, MobileNetV3): f(z) = z·ReLU6(z + 3)/6;
    f'(z) = 0 si z < −3, (2z + 3)/6 si −3 < z < 3 y 1 si z > 3."""

    name = "hard_silu"

    def forward(self, z):
        return z * np.clip(z / 6.0 + 0.5, 0, 1)

    def derivative(self, z):
        z = _as_float(z)
        return np.where(z < -3, 0.0, np.where(z > 3, 1.0, (2 * z + 3) / 6.0)).astype(z.dtype)


class Exponential(ActivationFunction):
    """Exponencial: f(z) = e^z; f'(z) = e^z = f(z)."""

    name = "exponential"

    def forward(self, z):
        return np.exp(z)

    def derivative(self, z):
        return np.exp(_as_float(z))

    def backward(self, grad_a, z, a):
        return grad_a * a


class Mish(ActivationFunction):
    """Mish: f(z) = z·tanh(softplus(z)); con s = softplus(z),
    f'(z) = tanh(s) + z·(1 − tanh²(s))·σ(z)."""

    name = "mish"

    def forward(self, z):
        return z * np.tanh(np.logaddexp(0, z)).astype(z.dtype, copy=False)

    def derivative(self, z):
        z = _as_float(z)
        t = np.tanh(np.logaddexp(0, z))
        return t + z * (1.0 - t * t) * _sigmoid(z)


class LogSoftmax(ActivationFunction):
    """Logaritmo del softmax sobre el último eje: a_k = z_k − ln Σ_j e^(z_j) (estable: se resta el máximo).

    Hacia atrás: ∂L/∂z = ∂L/∂a − softmax(z)·Σ_k ∂L/∂a_k.
    """

    name = "log_softmax"
    elementwise = False

    def forward(self, z):
        shifted = z - z.max(axis=-1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))

    def derivative(self, z):
        """Jacobiana de forma (..., K, K): J[..., k, j] = δ_kj − softmax(z)_j."""
        p = np.exp(self.forward(_as_float(z)))
        return np.eye(p.shape[-1], dtype=p.dtype) - p[..., None, :]

    def backward(self, grad_a, z, a):
        return grad_a - np.exp(a) * np.sum(grad_a, axis=-1, keepdims=True)


class CELU(ActivationFunction):
    """CELU: f(z) = máx(0, z) + mín(0, α(e^(z/α) − 1)) (α = 1: la ELU); f'(z) = 1 si z > 0 y e^(z/α) si no."""

    name = "celu"

    def __init__(self, alpha=1.0):
        self.alpha = check_number(alpha, "celu: alpha", low=0.0, low_inclusive=False)

    def forward(self, z):
        return np.maximum(z, 0) + np.minimum(0, self.alpha * np.expm1(np.minimum(z, 0) / self.alpha))

    def derivative(self, z):
        z = _as_float(z)
        return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0) / self.alpha)).astype(z.dtype)

    def get_config(self):
        return {} if self.alpha == 1.0 else {"alpha": self.alpha}


class HardTanh(ActivationFunction):
    """Tanh «dura»: f(z) = mín(máx(z, −1), 1); f'(z) = 1 si −1 < z < 1 y 0 fuera."""

    name = "hard_tanh"

    def forward(self, z):
        return np.clip(z, -1, 1)

    def derivative(self, z):
        z = _as_float(z)
        return ((z > -1) & (z < 1)).astype(z.dtype)


class LogSigmoid(ActivationFunction):
    """Logaritmo de la sigmoide: f(z) = ln σ(z) = −softplus(−z); f'(z) = 1 − σ(z) = σ(−z)."""

    name = "log_sigmoid"

    def forward(self, z):
        return -np.logaddexp(0, -z).astype(z.dtype, copy=False)

    def derivative(self, z):
        return _sigmoid(-_as_float(z))


class TanhShrink(ActivationFunction):
    """f(z) = z − tanh(z); f'(z) = tanh²(z)."""

    name = "tanh_shrink"

    def forward(self, z):
        return z - np.tanh(z)

    def derivative(self, z):
        return np.tanh(_as_float(z)) ** 2


class SoftShrink(ActivationFunction):
    """Encogimiento suave (umbral t = 0,5): f(z) = z − t si z > t, z + t si z < −t y 0 entre medias;
    f'(z) = 1 fuera de [−t, t] y 0 dentro."""

    name = "soft_shrink"

    def __init__(self, threshold=0.5):
        self.threshold = check_number(threshold, "soft_shrink: threshold", low=0.0)

    def forward(self, z):
        t = self.threshold
        return np.where(z > t, z - t, np.where(z < -t, z + t, 0.0)).astype(z.dtype, copy=False)

    def derivative(self, z):
        z = _as_float(z)
        return (np.abs(z) > self.threshold).astype(z.dtype)

    def get_config(self):
        return {} if self.threshold == 0.5 else {"threshold": self.threshold}


class HardShrink(SoftShrink):
    """Encogimiento duro (umbral t = 0,5): f(z) = z si |z| > t y 0 si no; f'(z) = 1 fuera de [−t, t] y 0 dentro."""

    name = "hard_shrink"

    def forward(self, z):
        return np.where(np.abs(z) > self.threshold, z, 0.0).astype(z.dtype, copy=False)


class Squareplus(ActivationFunction):
    """Squareplus: f(z) = (z + √(z² + b))/2, una ReLU suave algebraica (b = 4); f'(z) = (1 + z/√(z² + b))/2."""

    name = "squareplus"

    def __init__(self, b=4):
        self.b = check_number(b, "squareplus: b", low=0.0)

    def forward(self, z):
        return (z + np.sqrt(z * z + self.b)) / 2

    def derivative(self, z):
        z = _as_float(z)
        return (1 + z / np.sqrt(z * z + self.b)) / 2

    def get_config(self):
        return {} if self.b == 4 else {"b": self.b}


class SparsePlus(ActivationFunction):
    """Sparse plus: f(z) = 0 si z ≤ −1, (z + 1)²/4 si −1 < z < 1 y z si z ≥ 1; f'(z) = 0, (z + 1)/2 o 1."""

    name = "sparse_plus"

    def forward(self, z):
        return np.where(z <= -1, 0.0, np.where(z >= 1, z, (z + 1) ** 2 / 4)).astype(z.dtype, copy=False)

    def derivative(self, z):
        z = _as_float(z)
        return np.where(z <= -1, 0.0, np.where(z >= 1, 1.0, (z + 1) / 2)).astype(z.dtype)


class SparseSigmoid(ActivationFunction):
    """Sigmoide dispersa: f(z) = 0 si z ≤ −1, (z + 1)/2 si −1 < z < 1 y 1 si z ≥ 1; f'(z) = ½ dentro y 0 fuera."""

    name = "sparse_sigmoid"

    def forward(self, z):
        return np.clip((z + 1) / 2, 0, 1)

    def derivative(self, z):
        z = _as_float(z)
        return np.where((z > -1) & (z < 1), 0.5, 0.0).astype(z.dtype)


# Nombre → clase. ``get`` crea la instancia (con los argumentos por defecto del curso).
ACTIVATIONS = {
    "linear": Linear,
    "step": Step,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "swish": Swish,
    "silu": Swish,  # mismo nombre que en Keras y PyTorch
    "gelu": GELU,
    "softmax": Softmax,
    "selu": SELU,
    "softplus": Softplus,
    "softsign": Softsign,
    "relu6": ReLU6,
    "hard_sigmoid": HardSigmoid,
    "hard_silu": HardSiLU,
    "hard_swish": HardSiLU,  # otro nombre de Keras para la misma
    "exponential": Exponential,
    "mish": Mish,
    "log_softmax": LogSoftmax,
    "celu": CELU,
    "hard_tanh": HardTanh,
    "log_sigmoid": LogSigmoid,
    "tanh_shrink": TanhShrink,
    "soft_shrink": SoftShrink,
    "hard_shrink": HardShrink,
    "squareplus": Squareplus,
    "sparse_plus": SparsePlus,
    "sparse_sigmoid": SparseSigmoid,
}

#: Nombres que son otro nombre de una activación de la lista (no se muestran como opciones aparte).
ALIASES = {"silu": "swish", "hard_swish": "hard_silu"}


def get(identifier, **kwargs):
    """Devuelve la activación pedida: un nombre ("relu"), ``None`` (lineal) o una activación ya creada.

    ``kwargs`` pasa parámetros a las que los tienen, p. ej. ``get("leaky_relu", alpha=0.1)``.
    """
    if identifier is None:
        return Linear()
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, ActivationFunction):
        return identifier(**kwargs)
    if callable(getattr(identifier, "activation_function", None)):
        # Las funciones de este módulo (relu, gelu…, como keras.activations.relu): su activación con los valores de Keras.
        return identifier.activation_function(**kwargs)
    if callable(identifier) and getattr(identifier, "__name__", None) in ACTIVATIONS:
        # Una función con el nombre de una activación, como keras.activations.relu: la activación de ese nombre.
        return ACTIVATIONS[identifier.__name__](**kwargs)
    if callable(identifier):
        raise CourseTypeError(
            f"activation: el motor necesita la derivada de la activación para retropropagar, así que no admite "
            f"funciones propias ({getattr(identifier, '__name__', type(identifier).__name__)!r}). Usa el nombre de "
            "una activación, p. ej. activation='relu', o una capa Activation(...) con uno de esos nombres."
        )
    if isinstance(identifier, dict):  # lo que produce serialize() para las que tienen parámetros
        config = dict(identifier)
        return get(config.pop("name"), **config)
    if not isinstance(identifier, str):
        raise CourseTypeError(
            f"activation debe ser el nombre de una activación (por ejemplo 'relu') o None; "
            f"se recibió un valor de tipo {type(identifier).__name__}."
        )
    name = identifier.lower()
    if name not in ACTIVATIONS:
        raise unknown_name_error("activación", identifier, [n for n in ACTIVATIONS if n not in ALIASES])
    return ACTIVATIONS[name](**kwargs)


def serialize(activation):
    """Nombre de la activación (o dict con sus parámetros) para guardarla en JSON; ``get`` la reconstruye."""
    config = activation.get_config()
    return {"name": activation.name, **config} if config else activation.name


class Activation(Layer):
    """Capa que aplica una función de activación elemento a elemento: a = f(z).

    ``Activation("relu")`` equivale a ``keras.layers.Activation("relu")``. No tiene parámetros;
    la forma de la salida es la de la entrada.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = get(activation)

    def forward(self, x, training=False):
        """x: (N, ...) -> a = f(x): (N, ...)."""
        x = self._prepare_input(x)
        a = self.activation.forward(x)
        self._cache = (x, a)
        return a

    def backward(self, grad_y):
        """grad_y = ∂L/∂a: (N, ...) -> ∂L/∂x: (N, ...)."""
        grad_y = self._check_backward(grad_y)
        x, a = self._cache
        return self.activation.backward(grad_y, x, a)

    def get_config(self):
        return {**super().get_config(), "activation": serialize(self.activation)}


# ----------------------------------------------------------------------------- funciones, como keras.activations
def _apply(activation, x):
    """f(x) con un array (o una lista, o un número); con un tensor simbólico, una capa Activation en el grafo."""
    if isinstance(x, (np.ndarray, list, tuple, int, float, np.number)):
        return activation(x)
    return Activation(activation)(x)


def _keras_function(name, factory, doc):
    """Una función ``f(x, **argumentos)`` como las de ``keras.activations``, hecha con la activación de
    ``factory(**argumentos)``; ``activation=f`` en una capa usa esa misma activación."""
    def function(x, **kwargs):
        return _apply(factory(**kwargs), x)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    function.activation_function = factory
    return function


relu = _keras_function(
    "relu", lambda negative_slope=0.0, max_value=None, threshold=0.0: ReLU(negative_slope, max_value, threshold),
    "ReLU (``keras.activations.relu(x, negative_slope=0.0, max_value=None, threshold=0.0)``): máx(0, z).")
leaky_relu = _keras_function(
    "leaky_relu", lambda negative_slope=0.2: LeakyReLU(alpha=negative_slope),
    "Leaky ReLU con la pendiente por defecto de Keras, 0,2 (``keras.activations.leaky_relu``): z o 0,2·z. "
    "(La activación 'leaky_relu' por nombre usa 0,01, la de los apuntes.)")
relu6 = _keras_function("relu6", lambda: ReLU6(), "ReLU6: mín(máx(z, 0), 6).")
elu = _keras_function("elu", lambda alpha=1.0: ELU(alpha=alpha), "ELU: z si z > 0 y α(e^z − 1) si no (α = 1).")
selu = _keras_function("selu", lambda: SELU(), "SELU: λ·z si z > 0 y λα(e^z − 1) si no.")
softplus = _keras_function("softplus", lambda: Softplus(), "Softplus: ln(1 + e^z).")
softsign = _keras_function("softsign", lambda: Softsign(), "Softsign: z / (1 + |z|).")
silu = _keras_function("silu", lambda: Swish(), "SiLU o swish: z·σ(z).")
swish = _keras_function("swish", lambda: Swish(), "Swish o SiLU: z·σ(z).")
gelu = _keras_function("gelu", lambda approximate=False: GELU(approximate=approximate),
                       "GELU (``keras.activations.gelu(x, approximate=False)``): z·Φ(z), o su aproximación con tanh.")
tanh = _keras_function("tanh", lambda: Tanh(), "Tangente hiperbólica: tanh(z).")
sigmoid = _keras_function("sigmoid", lambda: Sigmoid(), "Sigmoide: 1 / (1 + e^(−z)).")
exponential = _keras_function("exponential", lambda: Exponential(), "Exponencial: e^z.")
hard_sigmoid = _keras_function("hard_sigmoid", lambda: HardSigmoid(), "Sigmoide dura de Keras 3: ReLU6(z + 3)/6.")
hard_silu = _keras_function("hard_silu", lambda: HardSiLU(), "Swish dura: z·ReLU6(z + 3)/6.")
hard_swish = _keras_function("hard_swish", lambda: HardSiLU(), "Swish dura (otro nombre de hard_silu).")
mish = _keras_function("mish", lambda: Mish(), "Mish: z·tanh(softplus(z)).")
linear = _keras_function("linear", lambda: Linear(), "Lineal (identidad): z.")
softmax = _keras_function("softmax", lambda axis=-1: Softmax(axis=axis),
                          "Softmax sobre ``axis`` (el último por defecto): e^z / Σ e^z.")
celu = _keras_function("celu", lambda alpha=1.0: CELU(alpha), "CELU: máx(0, z) + mín(0, α(e^(z/α) − 1)).")
hard_tanh = _keras_function("hard_tanh", lambda: HardTanh(), "Tanh dura: mín(máx(z, −1), 1).")
log_sigmoid = _keras_function("log_sigmoid", lambda: LogSigmoid(), "ln σ(z).")
tanh_shrink = _keras_function("tanh_shrink", lambda: TanhShrink(), "z − tanh(z).")
soft_shrink = _keras_function("soft_shrink", lambda threshold=0.5: SoftShrink(threshold),
                              "Encogimiento suave: z ∓ t fuera de [−t, t] y 0 dentro.")
hard_shrink = _keras_function("hard_shrink", lambda threshold=0.5: HardShrink(threshold),
                              "Encogimiento duro: z fuera de [−t, t] y 0 dentro.")
squareplus = _keras_function("squareplus", lambda b=4: Squareplus(b), "Squareplus: (z + √(z² + b))/2.")
sparse_plus = _keras_function("sparse_plus", lambda: SparsePlus(), "0, (z + 1)²/4 o z, según z ≤ −1, |z| < 1 o z ≥ 1.")
sparse_sigmoid = _keras_function("sparse_sigmoid", lambda: SparseSigmoid(), "Recorte de (z + 1)/2 a [0, 1].")
log_softmax = _keras_function("log_softmax", lambda axis=-1: _log_softmax(axis),
                              "Logaritmo del softmax sobre el último eje: z − ln Σ e^z.")


def _log_softmax(axis):
    if axis != -1:
        raise CourseError("log_softmax: este motor la calcula sobre el último eje (axis=-1).")
    return LogSoftmax()
