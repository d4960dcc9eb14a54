// Demostraciones del curso en el sitio web, sin Python: cada deslizador recorre figuras calculadas
// de antemano con el código de la demostración (scripts/cuadros_demos.py). Al moverlo cambian la
// imagen, su texto alternativo y el pie de figura; los demás deslizadores vuelven a su valor inicial.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const figure of document.querySelectorAll("figure.course-demo-frames")) {
    const image = figure.querySelector("img");
    const caption = figure.querySelector(".course-demo-caption");
    const inputs = [...figure.querySelectorAll("input[type=range][data-frames]")];
    const frames = new Map(inputs.map((input) => [input, JSON.parse(input.dataset.frames)]));
    const label = (input) => {
      const frame = frames.get(input)[Number(input.value)];
      input.setAttribute("aria-valuetext", frame.label);
      figure.querySelector(`output[for="${input.id}"]`).textContent = frame.label;
      return frame;
    };
    for (const input of inputs) {
      input.addEventListener("input", () => {
        for (const other of inputs) {
          if (other !== input && other.value !== other.defaultValue) {
            other.value = other.defaultValue;
            label(other);
          }
        }
        const frame = label(input);
        image.src = frame.src;
        image.alt = frame.alt;
        caption.textContent = frame.caption;
      });
    }
  }
});
