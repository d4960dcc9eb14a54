"""Comprobación de gradientes: el gradiente analítico (retropropagación) frente al numérico.

El gradiente numérico usa diferencias centrales, perturbando cada componente θ_i por separado:

    ∂J/∂θ_i ≈ (J(θ + ε·e_i) − J(θ − ε·e_i)) / (2ε),   con ε = 1e-5,

cuyo error es del orden de ε². Se comparan con el error relativo de cada array

    error = ‖g_analítico − g_numérico‖ / (‖g_analítico‖ + ‖g_numérico‖),

que no depende de la escala de J. En float64, un gradiente bien programado da errores de
1e-9 o menores; un error de 1e-3 o mayor indica un fallo (un signo, un factor, una traspuesta).
En float32 el redondeo no permite bajar de ~1e-3: usa ``set_floatx("float64")`` para comprobar.

Dos usos, con la misma función :func:`gradient_check`:

1. Una función de coste tuya (cuaderno de retropropagación)::

       gradient_check(J, theta, grad_J)          # J(θ) -> número; grad_J(θ) -> array (o el array ya calculado)
       gradient_check(J, params, grads)          # params y grads: dicts {"W1": array, ...}; J(params) -> número

   Los arrays de ``theta``/``params`` se modifican en su sitio durante la comprobación y se restauran.

2. Una capa del motor (pruebas)::

       gradient_check(capa, x)                   # comprueba ∂L/∂θ de cada parámetro y ∂L/∂x

   con L = Σ (y ⊙ R) + penalización de regularización, donde y = capa.forward(x, training) y R es
   un gradiente «de arriba» aleatorio fijo (normal estándar, de ``np.random.default_rng(seed)``). Antes de cada forward se restaura el estado del
   generador aleatorio del motor, así que Dropout usa siempre la misma máscara.

Devuelve un :class:`GradientCheckResult` que se imprime en español; ``float(resultado)`` o
``resultado.max_error`` dan el error relativo máximo.
"""

import numpy as np

from . import config
from .layer import Layer
from .validation import CourseError, CourseTypeError


def numerical_gradient(f, theta, epsilon=1e-5):
    """Gradiente de ``f()`` respecto del array ``theta`` por diferencias centrales.

    ``f`` no recibe argumentos: lee ``theta``, que se perturba en su sitio y se restaura.
    """
    grad = np.zeros(theta.shape, dtype=np.float64)
    flat = theta.reshape(-1)  # vista: modificar flat modifica theta
    if not np.shares_memory(flat, theta):
        raise CourseError("gradient_check: el array a perturbar debe ser contiguo en memoria.")
    grad_flat = grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + epsilon
        f_plus = float(f())
        flat[i] = original - epsilon
        f_minus = float(f())
        flat[i] = original
        grad_flat[i] = (f_plus - f_minus) / (2 * epsilon)
    return grad


def relative_error(analytic, numerical):
    """‖a − n‖ / (‖a‖ + ‖n‖); 0 si los dos gradientes son exactamente 0."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numerical = np.asarray(numerical, dtype=np.float64)
    if analytic.shape != numerical.shape:
        raise CourseError(
            f"gradient_check: el gradiente analítico tiene forma {analytic.shape}, pero el parámetro "
            f"tiene forma {numerical.shape}; deben coincidir."
        )
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numerical) / denominator)


def _coma(valor, especificacion):
    """El número con coma decimal, como lo lee el estudiante (7,47e-11). El motor no importa nada del
    curso (``course_lib.formato``), así que el cambio de punto por coma se hace aquí."""
    return format(float(valor), especificacion).replace(".", ",")


class GradientCheckResult:
    """Resultado de :func:`gradient_check`: errores relativos por array y el máximo."""

    def __init__(self, analytic, numerical, dtype, epsilon, tolerance):
        self.analytic = analytic      # dict nombre -> gradiente analítico
        self.numerical = numerical    # dict nombre -> gradiente numérico
        self.errors = {name: relative_error(analytic[name], numerical[name]) for name in analytic}
        self.dtype = np.dtype(dtype)
        self.epsilon = epsilon
        self.tolerance = tolerance

    @property
    def max_error(self):
        """El mayor error relativo de todos los arrays comprobados."""
        return max(self.errors.values(), default=0.0)

    @property
    def passed(self):
        """True si el error máximo es menor que la tolerancia."""
        return self.max_error < self.tolerance

    def __float__(self):
        return self.max_error

    def __repr__(self):
        lines = [f"Comprobación de gradientes (diferencias centrales, ε = {_coma(self.epsilon, 'g')}, {self.dtype.name})"]
        for name, error in self.errors.items():
            mark = "bien" if error < self.tolerance else "REVISAR"
            lines.append(f"  {name:>8}: error relativo {_coma(error, '.2e')}  ({mark})")
        verdict = ("los gradientes coinciden" if self.passed
                   else "los gradientes NO coinciden: revisa la retropropagación")
        lines.append(f"Error relativo máximo: {_coma(self.max_error, '.2e')} "
                     f"(tolerancia {_coma(self.tolerance, 'g')}): {verdict}.")
        if self.dtype != np.float64:
            lines.append("Aviso: con float32 el redondeo da errores de ~1e-3 aunque todo esté bien; "
                         "usa set_floatx('float64') para comprobar gradientes.")
        return "\n".join(lines)


def gradient_check(f, theta, gradient=None, *, training=True, epsilon=1e-5, tolerance=1e-7, seed=0):
    """Compara el gradiente analítico con el numérico (diferencias centrales). Ver el módulo.

    - ``gradient_check(J, theta, grad_J)``: ``J(theta) -> número``; ``grad_J`` es un array con la forma
      de ``theta`` o una función ``grad_J(theta) -> array``.
    - ``gradient_check(J, params, grads)``: ``params`` y ``grads`` son dicts de arrays con las mismas claves.
    - ``gradient_check(capa, x, training=True, seed=0)``: comprueba los parámetros y la entrada de una capa.
    """
    if isinstance(f, Layer):
        return _check_layer(f, theta, training, epsilon, tolerance, seed)
    if not callable(f):
        raise CourseTypeError(
            "gradient_check: el primer argumento debe ser una función de coste J(θ) o una capa; "
            f"se recibió un valor de tipo {type(f).__name__}."
        )
    if gradient is None:
        raise CourseError("gradient_check: falta el gradiente analítico (tercer argumento) para comparar.")
    if isinstance(theta, dict):
        if not isinstance(gradient, dict) or set(gradient) != set(theta):
            raise CourseError(
                f"gradient_check: con un dict de parámetros (claves {sorted(theta)}) el gradiente debe ser "
                f"un dict con las mismas claves; se recibió {sorted(gradient) if isinstance(gradient, dict) else type(gradient).__name__}."
            )
        for name, value in theta.items():
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
                raise CourseTypeError(
                    f"gradient_check: params[{name!r}] debe ser un array de NumPy de números reales (float64), "
                    f"porque se perturba en su sitio; se recibió {type(value).__name__}"
                    f"{' de tipo ' + str(value.dtype) if isinstance(value, np.ndarray) else ''}."
                )
        analytic = {name: np.array(gradient[name], dtype=np.float64) for name in theta}
        numerical = {name: numerical_gradient(lambda: f(theta), theta[name], epsilon) for name in theta}
        dtype = next(iter(theta.values())).dtype if theta else np.float64
        return GradientCheckResult(analytic, numerical, dtype, epsilon, tolerance)
    if not isinstance(theta, np.ndarray) or theta.dtype.kind != "f":
        raise CourseTypeError(
            "gradient_check: θ debe ser un array de NumPy de números reales (por ejemplo float64) o un dict "
            f"de arrays; se recibió {type(theta).__name__}."
        )
    analytic = gradient(theta) if callable(gradient) else gradient
    numerical = numerical_gradient(lambda: f(theta), theta, epsilon)
    return GradientCheckResult({"θ": np.array(analytic, dtype=np.float64)}, {"θ": numerical},
                               theta.dtype, epsilon, tolerance)


def _check_layer(layer, x, training, epsilon, tolerance, seed):
    """L = Σ(y ⊙ R) + penalización; compara ∂L/∂θ (cada parámetro) y ∂L/∂x con los numéricos."""
    x = np.array(x, dtype=config.dtype())  # copia propia: se perturba en su sitio
    rng_state = config.rng().bit_generator.state

    def loss():
        config.rng().bit_generator.state = rng_state  # misma máscara de Dropout en cada pasada
        y = layer.forward(x, training=training)
        return np.sum(y.astype(np.float64) * upstream) + layer.regularization_loss()

    y = layer.forward(x, training=training)
    upstream = np.random.default_rng(seed).standard_normal(y.shape).astype(y.dtype)  # R = ∂L/∂y
    loss()
    grad_x = layer.backward(upstream)
    analytic = {name: np.array(g, dtype=np.float64) for name, g in layer.grads.items()}
    analytic["x"] = np.array(grad_x, dtype=np.float64)

    numerical = {name: numerical_gradient(loss, layer.params[name], epsilon) for name in layer.params}
    numerical["x"] = numerical_gradient(loss, x, epsilon)
    config.rng().bit_generator.state = rng_state
    return GradientCheckResult(analytic, numerical, config.dtype(), epsilon, tolerance)
